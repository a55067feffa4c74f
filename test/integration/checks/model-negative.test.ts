import fc from 'fast-check';
import { CHECK_KINDS } from '../../../src/checks/model';
import { negativeCases, operations, type Operations } from '../../support/negative-cases';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

const MODEL_PATHS = /^\/(hosts|host-groups|checks|schedules|services)(\/\{[A-Za-z]+\})?$/;

/**
 * The schema-driven negative test (test/support/negative-cases.ts) on the checks model's operations, each
 * against fresh valid records, and arbitrary JSON as the parameters of every kind of check: nothing answers
 * 5xx, and every response matches openapi.yaml (REST_VALIDATE_RESPONSES).
 */
describe('the checks model under bad input', () => {
  let p: TestPlatform;
  let admin: string;
  let counter = 0;
  const unique = () => `neg${++counter}`;

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
  });
  afterAll(() => p.stop());

  const post = async (path: string, body: unknown): Promise<number> => {
    const response = await call(p.baseUrl, 'POST', path, { token: admin, body });
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as number;
  };

  /** A fresh experiment with one row of each resource, and a valid body of each. */
  async function records(): Promise<{ ids: Map<string, string>; bodies: Map<string, () => Record<string, unknown>> }> {
    const experiment = `NEG-${unique()}`;
    expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: experiment, name: 'negative' } })).status).toBe(201);
    const hostBody = () => ({ experiment, name: unique(), address: '127.0.0.1' });
    const hostId = await post('/hosts', hostBody());
    const groupBody = () => ({ experiment, name: unique(), hosts: [hostId] });
    const hostGroupId = await post('/host-groups', groupBody());
    const checkBody = () => ({ experiment, name: unique(), kind: 'http', params: { url: 'http://{address}/' }, hosts: [hostId], host_groups: [hostGroupId] });
    const checkId = await post('/checks', checkBody());
    const scheduleBody = () => ({ experiment, name: unique(), max_lateness_ms: 1000, intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 60000 }], checks: [checkId] });
    const scheduleId = await post('/schedules', scheduleBody());
    const serviceBody = () => ({ experiment, name: unique(), dependencies: [hostId], redundancy_groups: [{ name: 'r', members: [{ host: hostId }, { host_group: hostGroupId }] }] });
    const serviceId = await post('/services', serviceBody());
    return {
      ids: new Map([
        ['hostId', String(hostId)],
        ['hostGroupId', String(hostGroupId)],
        ['checkId', String(checkId)],
        ['scheduleId', String(scheduleId)],
        ['serviceId', String(serviceId)],
      ]),
      bodies: new Map<string, () => Record<string, unknown>>([
        ['hosts', hostBody],
        ['host-groups', groupBody],
        ['checks', checkBody],
        ['schedules', scheduleBody],
        ['services', serviceBody],
      ]),
    };
  }

  it('answers 4xx (or a valid 2xx) to every bad input of every operation, never 5xx', async () => {
    const ordered = operations()
      .filter((op: Operations) => MODEL_PATHS.test(op.path))
      .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    expect(ordered).toHaveLength(25);
    const failures: Array<{ case: string; status: number; detail?: string }> = [];
    let sent = 0;
    for (const op of ordered) {
      const { ids, bodies } = await records();
      const resource = op.path.split('/')[1] ?? '';
      const cases = negativeCases(op, {
        path: (name) => ids.get(name) ?? 'missing',
        query: (_op, name) => (name === 'limit' ? '10' : undefined),
        body: () => bodies.get(resource)?.() ?? {},
      });
      for (const c of cases) {
        const response = await call(p.baseUrl, c.method, c.path, { token: admin, body: c.body, rawBody: c.rawBody, headers: c.headers });
        sent += 1;
        if (response.status >= 500) failures.push({ case: c.label, status: response.status, detail: response.body?.detail });
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
  }, 600_000);

  it('arbitrary JSON as the parameters of each kind is a 201 or a 400 naming paths below params', async () => {
    const outcomes = new Map<number, number>();
    const unexpected: unknown[] = [];
    for (const kind of CHECK_KINDS) {
      const samples = fc.sample(fc.dictionary(fc.constantFrom('url', 'port', 'headers', 'steps', 'args', 'name', 'method', 'expectStatus', '__proto__', 'x'), fc.jsonValue({ maxDepth: 3 })), { numRuns: 25, seed: 14 });
      for (const params of samples) {
        const body = { experiment: 'NEG-params', name: `p_${unique()}`, kind, params, ...(kind === 'plugin' ? { plugin: 'p' } : {}) };
        const response = await call(p.baseUrl, 'POST', '/checks', { token: admin, rawBody: JSON.stringify(body) });
        outcomes.set(response.status, (outcomes.get(response.status) ?? 0) + 1);
        if (response.status === 400 && response.body.errors) {
          for (const error of response.body.errors as Array<{ path: string }>) expect(error.path).toMatch(/^(params|\/body)/);
        }
        if (response.status !== 201 && response.status !== 400) unexpected.push({ kind, params, status: response.status, body: response.body });
      }
    }
    expect(unexpected).toEqual([]);
    expect(outcomes.get(400)).toBeGreaterThan(0);
  }, 300_000);

  beforeAll(async () => {
    expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'NEG-params', name: 'params' } })).status).toBe(201);
  });
});
