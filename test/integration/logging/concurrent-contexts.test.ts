import type { User } from '../../../src/domain/user';
import { MASK } from '../../../src/logging/redaction';
import { call } from '../../support/platform';
import { linesOf, startLoggedPlatform, type LoggedPlatform } from './logged-platform';

/**
 * 1,000 requests in flight together, from five users, of four kinds that await MySQL at different points,
 * so that their log contexts interleave: every line must carry its own request's id and actor (never a
 * neighbour's), nothing secret may leak, and nothing that should be logged may be masked.
 */
describe('log contexts under concurrency', () => {
  let logged: LoggedPlatform;
  const TOTAL = 1000;
  const BATCH = 250;

  beforeAll(async () => {
    // Every 401 here comes from 127.0.0.1 and must be audited on its own line: no aggregation.
    logged = await startLoggedPlatform({ level: 'info', env: { AUTH_FAILURE_AUDIT_BURST: '100000' } });
  });
  afterAll(() => logged.stop());

  it('keeps each request id and actor on its own lines, on every transport, and masks only secrets', async () => {
    const { platform, console, logstash } = logged;
    const users: User[] = [platform.admin];
    for (let i = 0; i < 4; i++) users.push(await platform.createUser('SCIENTIST', `conc${i}`));
    const tokens = await Promise.all(users.map((u) => platform.tokenFor(u)));

    type Expected = { actor?: string; status: number; audit?: string };
    const expected = new Map<string, Expected>();
    const secret = (i: number) => `conc-secret-${i}-${(i * 7919).toString(36)}`;

    const send = async (i: number) => {
      const requestId = `conc-${i}`;
      const who = i % users.length;
      const user = users[who];
      const headers = { 'x-request-id': requestId, 'x-password': secret(i) };
      let result: Expected;
      let response;
      switch (i % 4) {
        case 0:
          response = await call(platform.baseUrl, 'GET', '/me', { token: tokens[who], headers });
          result = { actor: user!.pseudonym, status: 200 };
          break;
        case 1:
          if (user!.isAdmin) {
            response = await call(platform.baseUrl, 'POST', '/experiments', { token: tokens[who], headers, body: { code: `CONC-${i}`, name: 'c' } });
            result = { actor: user!.pseudonym, status: 201, audit: 'experiment.create' };
          } else {
            response = await call(platform.baseUrl, 'DELETE', '/exceptions/1', { token: tokens[who], headers });
            result = { actor: user!.pseudonym, status: 403, audit: 'authz.deny' };
          }
          break;
        case 2:
          response = await call(platform.baseUrl, 'GET', `/me?access_token=${secret(i)}`, { token: tokens[who], headers });
          result = { actor: user!.pseudonym, status: 400 };
          break;
        default:
          response = await call(platform.baseUrl, 'GET', '/experiments', { token: `${secret(i)}.x.y`, headers });
          result = { status: 401, audit: 'auth.fail' };
      }
      expect({ requestId, status: response.status }).toEqual({ requestId, status: result.status });
      expected.set(requestId, result);
    };

    for (let start = 0; start < TOTAL; start += BATCH) {
      await Promise.all(Array.from({ length: BATCH }, (_, k) => send(start + k)));
    }
    await logstash.waitFor((events) => events.filter((e) => e.http === true && String(e.requestId).startsWith('conc-')).length === TOTAL, 30000);
    const auditCount = [...expected.values()].filter((e) => e.audit).length;
    await logstash.waitFor((events) => events.filter((e) => e.audit === true && String(e.requestId).startsWith('conc-')).length === auditCount);

    for (const [name, lines] of [
      ['console', console.parsed()],
      ['logstash', logstash.events],
    ] as const) {
      const ours = lines.filter((line) => String(line.requestId ?? '').startsWith('conc-'));
      expect({ name, http: ours.filter((l) => l.http === true).length }).toEqual({ name, http: TOTAL });
      for (const [requestId, want] of expected) {
        const own = linesOf(ours, requestId);
        const access = own.filter((l) => l.http === true);
        expect(access).toHaveLength(1);
        expect(access[0]).toMatchObject({ status: want.status, method: expect.any(String), route: expect.stringMatching(/^\//) });
        // No line of this request carries another user's pseudonym.
        for (const line of own) expect({ requestId, actor: line.actor }).toEqual({ requestId, actor: want.actor });
        const audits = own.filter((l) => l.audit === true);
        if (want.audit) {
          expect(audits).toHaveLength(1);
          expect(audits[0]!.event).toMatchObject({ action: want.audit, requestId, actor: want.actor ?? null });
        } else {
          expect(audits).toHaveLength(0);
        }
      }
      // Masked only where something was secret: ids, actors, routes and actions are never ***.
      for (const line of ours) {
        for (const field of ['requestId', 'actor', 'route', 'method', 'status', 'message', 'level', 'service', 'instance']) {
          expect(line[field]).not.toBe(MASK);
        }
        if (line.audit === true) expect(Object.values(line.event as Record<string, unknown>)).not.toContain(MASK);
      }
    }
    // The contexts did interleave: between the audit line and the access line of many a request, other
    // requests logged theirs.
    const order = console.parsed().map((l) => String(l.requestId ?? ''));
    const interleaved = [...expected.entries()].filter(([requestId, want]) => {
      if (!want.audit) return false;
      const first = order.indexOf(requestId);
      const last = order.lastIndexOf(requestId);
      return order.slice(first, last).some((other) => other !== requestId && other.startsWith('conc-'));
    });
    expect(interleaved.length).toBeGreaterThan(auditCount / 10);

    const everything = logged.allLines().join('\n');
    expect(everything).not.toContain('conc-secret-');
    for (const token of tokens) expect(everything).not.toContain(token);
  });
});
