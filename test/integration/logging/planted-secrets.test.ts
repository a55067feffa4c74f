import { call, eventually } from '../../support/platform';
import { startLoggedPlatform, type LoggedPlatform } from './logged-platform';

/**
 * The whole API sequence and an AMQP ingest with known secrets planted where clients put them (an email
 * and a name in bodies, an opaque token and a password in headers, a token in a query string, bearer
 * tokens, a malformed message full of them): none may appear in any line of any transport, while the
 * pseudonymous ids and the request ids that make the logs useful do.
 */
describe('no planted secret reaches any log transport', () => {
  let logged: LoggedPlatform;

  const EMAIL = 'zebulon.planted@secret-mail.example';
  const NAME = 'Zebulon Quartzfeather';
  const RENAMED = 'Zebulon Q. Quartzfeather';
  const USERNAME = 'zeb-planted-uid';
  const HEADER_TOKEN = 'tok_PLANTED_9f8e7d6c5b4a3210';
  const HEADER_PASSWORD = 'Pa55w0rd-PLANTED-in-header';
  const QUERY_TOKEN = 'qtok-PLANTED-5566778899';
  const FORGED_BEARER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.UExBTlRFRC1zaWduYXR1cmU';

  beforeAll(async () => {
    logged = await startLoggedPlatform({ consume: true });
  });
  afterAll(() => logged.stop());

  it('keeps them out of the console and Logstash lines across REST and AMQP, and keeps pseudonyms and request ids in', async () => {
    const { platform, console, logstash } = logged;
    const { baseUrl } = platform;
    const adminToken = await platform.tokenFor(platform.admin);
    let n = 0;
    const requestIds: string[] = [];
    const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => {
      const requestId = `planted-${++n}`;
      requestIds.push(requestId);
      return call(baseUrl, method, path, {
        token: adminToken,
        ...options,
        headers: { 'x-request-id': requestId, 'x-api-token': HEADER_TOKEN, 'x-password': HEADER_PASSWORD, ...options.headers },
      });
    };

    const created = await api('POST', '/users', {
      body: { user_id: 'S-PL-1', name: NAME, username: USERNAME, email: EMAIL, role: 'SCIENTIST' },
    });
    expect(created.status).toBe(201);
    const scientistPseudonym = created.body.pseudonym as string;
    expect((await api('GET', `/users/${created.body.id}`)).body.email).toBe(EMAIL);
    expect((await api('PATCH', `/users/${created.body.id}`, { body: { name: RENAMED } })).status).toBe(200);
    expect((await api('POST', '/experiments', { body: { code: 'PLANT-1', name: 'Planted' } })).status).toBe(201);
    expect((await api('PUT', `/experiments/PLANT-1/users/${created.body.id}`)).status).toBe(204);
    expect((await api('GET', `/me?access_token=${QUERY_TOKEN}`)).status).toBe(400);
    expect((await api('GET', `/experiments?token=${QUERY_TOKEN}&limit=5`)).status).toBe(400);
    expect((await api('GET', '/experiments', { token: FORGED_BEARER })).status).toBe(401);
    expect((await api('GET', '/experiments', { token: undefined, headers: { authorization: `Basic ${HEADER_PASSWORD}` } })).status).toBe(401);
    expect((await api('POST', '/users', { body: { user_id: 'S-PL-1', name: NAME, username: USERNAME, email: EMAIL, role: 'SCIENTIST' } })).status).toBe(409);

    const t0 = Date.parse('2026-11-01T00:00:00Z');
    await platform.publish({ experiment: 'PLANT-1', metric: 'temperature', value: 20.5, timestamp: t0, tags: { operator: NAME } });
    await platform.publish(`{"experiment":"PLANT-1","email":"${EMAIL}","token":"${HEADER_TOKEN}",`);
    await platform.publish({ experiment: 'PLANT-1', metric: 'm', value: 1, timestamp: t0, password: HEADER_PASSWORD, owner: EMAIL });
    await platform.publish({ experiment: 'NO-SUCH', metric: 'm', value: 1, timestamp: t0, tags: { who: NAME } });

    const scientistToken = await platform.tokenFor({ ...platform.admin, username: USERNAME, pseudonym: created.body.pseudonym as string } as typeof platform.admin);
    await eventually(
      () => api('GET', '/experiments/PLANT-1/measures', { token: scientistToken }),
      (r) => r.status === 200 && r.body.items.length === 1,
    );
    const rejected = await eventually(
      () => api('GET', '/exceptions'),
      (r) => r.status === 200 && r.body.items.length === 3,
    );
    expect(rejected.body.items.map((m: { reason: string }) => m.reason).sort()).toEqual(['malformed-json', 'schema-violation', 'unknown-experiment']);
    expect((await api('DELETE', `/exceptions/${rejected.body.items[0].id}`, { token: scientistToken })).status).toBe(403);
    expect((await api('DELETE', `/users/${created.body.id}`)).status).toBe(204);
    const audit = await api('GET', `/audit?actor=${platform.admin.pseudonym}&limit=1000`);
    expect(audit.status).toBe(200);

    // Every request's access line has reached Logstash, and the last audit event too.
    const last = requestIds[requestIds.length - 1];
    await logstash.waitFor((events) => events.some((e) => e.requestId === last && e.http === true));
    await logstash.waitFor((events) => events.some((e) => e.audit === true && (e.event as { action?: string }).action === 'user.erase'));

    const lines = logged.allLines();
    expect(console.lines.length).toBeGreaterThan(25);
    expect(logstash.lines.length).toBeGreaterThan(25);
    const secrets = [EMAIL, NAME, RENAMED, USERNAME, HEADER_TOKEN, HEADER_PASSWORD, QUERY_TOKEN, FORGED_BEARER, adminToken, scientistToken];
    for (const secret of secrets) {
      const leaks = lines.filter((line) => line.includes(secret));
      expect({ secret, leaks }).toEqual({ secret, leaks: [] });
    }
    // Not even recognisable fragments: the local part of the email, the token's distinctive middle.
    expect(lines.filter((line) => /zebulon\.planted|PLANTED_9f8e|Quartzfeather/i.test(line))).toEqual([]);

    // What makes the logs useful is still there, on both transports.
    for (const transport of [console.lines, logstash.lines]) {
      const text = transport.join('\n');
      for (const requestId of requestIds) expect(text).toContain(`"requestId":"${requestId}"`);
      expect(text).toContain(`"actor":"${platform.admin.pseudonym}"`);
      expect(text).toContain(scientistPseudonym);
    }
    const actions = logstash.events.filter((e) => e.audit === true).map((e) => (e.event as { action: string }).action);
    expect(actions).toEqual(
      expect.arrayContaining(['user.create', 'user.update', 'experiment.create', 'association.add', 'auth.fail', 'authz.deny', 'message.reject', 'user.erase']),
    );
    expect(actions.filter((a) => a === 'message.reject')).toHaveLength(3);
    expect(actions.filter((a) => a === 'auth.fail')).toHaveLength(2);
  });
});
