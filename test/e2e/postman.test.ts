import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman';
import type { TokenIssuer } from '../../src/auth/token-verifier';
import { TYPES } from '../../src/identifiers';
import { call, eventually } from '../support/platform';
import { startProxiedPlatform, type ProxiedPlatform } from '../support/proxied-platform';

/**
 * The Postman collection (postman/), run by newman through the real nginx in front of two instances, one
 * of them consuming from RabbitMQ. Between the admin's set-up (folders 1-4) and the reads (5-8) the test
 * does what an adapter does: it publishes measures for the new experiment, and one malformed message.
 */
const POSTMAN = path.resolve(__dirname, '..', '..', 'postman');
const SETUP = ['1. Health and documentation', '2. Users (admin)', '3. Experiments (admin)', '4. Associations (admin)'];
const READS = [
  '5. The SCIENTIST reads',
  '5b. Rules (admin writes, the associated SCIENTIST reads)',
  '5c. Tickets',
  '5d. Checks model (admin writes, the associated SCIENTIST reads)',
  '5e. Check results and health',
  '5f. Agents and plugins (admin)',
  '5g. Temporal policies (admin writes, the associated SCIENTIST reads)',
  '6. Another SCIENTIST gets 404',
  '7. Rejected messages (admin)',
  '8. Erasure and clean-up (admin)',
  '9. Audit trail (admin)',
];

let platform: ProxiedPlatform;

function run(options: Partial<NewmanRunOptions>): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection: path.join(POSTMAN, 'mymonit.postman_collection.json'),
        reporters: [],
        sslExtraCaCerts: platform.nginx.caPath,
        timeoutRequest: 10000,
        ...options,
      } as NewmanRunOptions,
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

/** What went wrong, readably: request name, assertion, message and what the API answered. */
function failures(summary: NewmanRunSummary): string[] {
  return summary.run.failures.map((f) => {
    const execution = summary.run.executions.find((e) => e.item.id === f.source?.id);
    const answer = execution?.response ? ` <- ${execution.response.code} ${execution.response.stream?.toString('utf8').slice(0, 300)}` : '';
    return `${f.source?.name ?? '?'}: ${f.error?.test ?? ''} ${f.error?.message ?? ''}${answer}`;
  });
}

function assertionNames(summary: NewmanRunSummary): string[] {
  return summary.run.executions.flatMap((e) => (e.assertions ?? []).map((a) => a.assertion));
}

beforeAll(async () => {
  platform = await startProxiedPlatform({ consume: true });
}, 60000);

afterAll(async () => {
  await platform?.stop();
});

it('the Postman collection passes through nginx: the seed sequence and every resource', async () => {
  const issuer = platform.a.container.get<TokenIssuer>(TYPES.TokenIssuer);
  const suffix = randomBytes(3).toString('hex');
  const scientistUsername = `pm-jim-${suffix}`;
  const otherUsername = `pm-ada-${suffix}`;
  const expCode = `PM-${suffix}`;
  const environment = {
    name: 'e2e',
    values: Object.entries({
      baseUrl: platform.nginx.baseUrl,
      adminToken: await platform.a.tokenFor(platform.a.admin),
      scientistToken: await issuer.issue(scientistUsername),
      otherToken: await issuer.issue(otherUsername),
      scientistUsername,
      otherUsername,
      expCode,
      expectMeasures: '3',
    }).map(([key, value]) => ({ key, value, enabled: true })),
  };

  const setup = await run({ environment, folder: SETUP } as Partial<NewmanRunOptions>);
  expect(failures(setup)).toEqual([]);

  // An adapter's part: measures for the experiment the collection created, and a message nobody can parse.
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  await platform.a.publish([
    { experiment: expCode, metric: 'temperature', source: 'probe-1', value: 21.5, unit: 'C', timestamp: t0 },
    { experiment: expCode, metric: 'temperature', source: 'probe-1', value: 21.7, unit: 'C', timestamp: t0 + 1000 },
    { experiment: expCode, metric: 'pressure', value: 1.01, timestamp: '2026-11-01T00:00:02.000123Z', tags: { loop: 'a' } },
  ]);
  await platform.a.publish('{"experiment": "not json');
  const adminToken = await platform.a.tokenFor(platform.a.admin);
  await eventually(
    () => call(platform.a.baseUrl, 'GET', `/experiments/${expCode}/measures`, { token: adminToken }),
    (r) => r.status === 200 && r.body.items.length === 3,
  );
  await eventually(
    () => call(platform.a.baseUrl, 'GET', '/exceptions?reason=malformed-json', { token: adminToken }),
    (r) => r.status === 200 && r.body.items.length === 1,
  );

  const reads = await run({ environment: setup.environment.toJSON(), folder: READS } as Partial<NewmanRunOptions>);
  expect(failures(reads)).toEqual([]);

  const ran = [...assertionNames(setup), ...assertionNames(reads)];
  expect(ran.length).toBeGreaterThan(150);
  // The conditional paths of the collection ran the way that proves the most.
  expect(ran).toEqual(
    expect.arrayContaining(['the published measures', 'the rejected message with its exact body', 'discarded: 204', '[every response] has the security headers']),
  );
  // Every request of the collection was sent, through nginx, and answered by both instances over the run.
  const collection = JSON.parse(fs.readFileSync(path.join(POSTMAN, 'mymonit.postman_collection.json'), 'utf8')) as {
    item: Array<{ name: string; item: unknown[] }>;
  };
  expect(collection.item.map((folder) => folder.name)).toEqual([...SETUP, ...READS]);
  const executed = setup.run.executions.length + reads.run.executions.length;
  expect(executed).toBe(collection.item.reduce((n, folder) => n + folder.item.length, 0));
  const instances = new Set(
    [...setup.run.executions, ...reads.run.executions].map((e) => e.response?.headers?.get('X-MyMONIT-Instance')),
  );
  expect([...instances].sort()).toEqual(['a', 'b']);
}, 300_000); // newman through nginx on a loaded 2-core machine takes more than a minute
