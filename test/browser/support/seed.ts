import { call } from '../../support/platform';
import type { ConsolePlatform } from './platform';

export interface Seed {
  experiment: string;
  scientistToken: string;
  hostIds: number[];
  measures: number;
}

/** The response, or an error naming what was asked and the answer when it is not a success. */
export async function ok(promise: ReturnType<typeof call>, what: string): Promise<Awaited<ReturnType<typeof call>>> {
  const response = await promise;
  if (response.status >= 300) throw new Error(`seed: ${what} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
}

/**
 * Some data for pages to show, through the API and AMQP as a person would make it: an experiment, a
 * SCIENTIST associated with it, two hosts and a service depending on them, and measures of the last hour.
 */
export async function seed(platform: ConsolePlatform, experiment = 'DEMO'): Promise<Seed> {
  const { baseUrl, adminToken: token } = platform;
  await ok(call(baseUrl, 'POST', '/experiments', { token, body: { code: experiment, name: 'Demonstration', description: 'seeded for the console' } }), 'experiment');
  const { user, token: scientistToken } = await platform.userWithToken('SCIENTIST', 'scientist');
  await ok(call(baseUrl, 'PUT', `/experiments/${experiment}/users/${user.id}`, { token }), 'association');
  const hostIds: number[] = [];
  for (const name of ['web-1', 'db-1']) {
    const host = await ok(call(baseUrl, 'POST', '/hosts', { token, body: { experiment, name, address: `${name}.example.org` } }), `host ${name}`);
    hostIds.push(host.body.id as number);
  }
  await ok(call(baseUrl, 'POST', '/services', { token, body: { experiment, name: 'portal', dependencies: hostIds } }), 'service');
  const now = Date.now();
  const measures = 120;
  await platform.publish(
    Array.from({ length: measures }, (_, i) => ({
      experiment,
      metric: i % 2 === 0 ? 'temperature' : 'pressure',
      source: 'probe-1',
      value: i % 2 === 0 ? 20 + Math.sin(i / 10) : 1 + Math.cos(i / 10) / 100,
      timestamp: now - (i + 1) * 30_000,
    })),
  );
  return { experiment, scientistToken, hostIds, measures };
}
