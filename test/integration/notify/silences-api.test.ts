import { fingerprint } from '../../../src/alerting/state/alert-labels';
import type { User } from '../../../src/domain/user';
import { TYPES } from '../../../src/identifiers';
import type { NotifyAlert } from '../../../src/notify/alert';
import { SilenceMaintenance } from '../../../src/services/notify/silence-maintenance';
import type { ExperimentScope, NotifyAlertStore, SilenceMaintenanceStore } from '../../../src/storage/notify-stores';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/** A stand-in for the inputs stage's NotifyAlertStore (another helper's): the alerts the until_resolved check reads. */
class AlertsStandIn implements NotifyAlertStore {
  alerts: NotifyAlert[] = [];
  async put(alerts: readonly NotifyAlert[]): Promise<NotifyAlert[]> {
    this.alerts.push(...alerts);
    return [...alerts];
  }
  async get(fp: string): Promise<NotifyAlert | undefined> {
    return this.alerts.find((a) => a.fingerprint === fp);
  }
  async changedSince(): Promise<{ alerts: NotifyAlert[]; seq: number }> {
    return { alerts: [], seq: 0 };
  }
  async current(_scope: ExperimentScope, resolvedSinceMs: number): Promise<NotifyAlert[]> {
    return this.alerts.filter((a) => a.endsAtMs >= resolvedSinceMs);
  }
  async deleteResolvedBefore(): Promise<number> {
    return 0;
  }
}

const PREFIX = '/alertmanager/api/v2';
const iso = (ms: number) => new Date(ms).toISOString();

describe('Alertmanager API v2 silences over MySQL', () => {
  let p: TestPlatform;
  let admin: string;
  let sci: string;
  let scientist: User;
  const alerts = new AlertsStandIn();

  beforeAll(async () => {
    p = await startPlatform({ configure: (c) => void c.rebindSync(TYPES.NotifyAlertStore).toConstantValue(alerts) });
    admin = await p.tokenFor(p.admin);
    scientist = await p.createUser('SCIENTIST', 'sci');
    sci = await p.tokenFor(scientist);
    for (const code of ['ASSOC', 'PRIVATE']) {
      expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code, name: code } })).status).toBe(201);
    }
    expect((await call(p.baseUrl, 'PUT', `/experiments/ASSOC/users/${scientist.id}`, { token: admin })).status).toBe(204);
  });
  afterAll(() => p.stop());

  const body = (over: Record<string, unknown> = {}) => ({
    matchers: [{ name: 'alertname', value: 'Down', isRegex: false }],
    startsAt: iso(Date.now() - 60_000),
    endsAt: iso(Date.now() + 3_600_000),
    createdBy: 'ops',
    comment: 'maintenance',
    ...over,
  });
  const post = (token: string, b: unknown) => call(p.baseUrl, 'POST', `${PREFIX}/silences`, { token, body: b });

  it('needs a token', async () => {
    expect((await call(p.baseUrl, 'GET', `${PREFIX}/silences`)).status).toBe(401);
  });

  it('creates, reads, lists and expires a silence in Alertmanager shapes', async () => {
    const created = await post(admin, body());
    expect(created.status).toBe(200);
    const id = created.body.silenceID as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const one = await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin });
    expect(one.status).toBe(200);
    expect(Object.keys(one.body)).toEqual(['id', 'status', 'updatedAt', 'comment', 'createdBy', 'endsAt', 'matchers', 'startsAt']);
    expect(one.body).toMatchObject({ id, status: { state: 'active' }, comment: 'maintenance', createdBy: 'ops' });
    expect(one.body.matchers).toEqual([{ isEqual: true, isRegex: false, name: 'alertname', value: 'Down' }]);
    // A start in the past moves to now.
    expect(Date.parse(one.body.startsAt)).toBeGreaterThan(Date.now() - 30_000);
    expect(one.body.endsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const listed = await call(p.baseUrl, 'GET', `${PREFIX}/silences?filter=alertname%3DDown`, { token: admin });
    expect(listed.body.map((s: { id: string }) => s.id)).toContain(id);
    const none = await call(p.baseUrl, 'GET', `${PREFIX}/silences?filter=alertname%3DUp`, { token: admin });
    expect(none.body.map((s: { id: string }) => s.id)).not.toContain(id);

    expect((await call(p.baseUrl, 'DELETE', `${PREFIX}/silence/${id}`, { token: admin })).status).toBe(200);
    const after = await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin });
    expect(after.body.status.state).toBe('expired');
    // Expiring an expired silence changes nothing.
    expect((await call(p.baseUrl, 'DELETE', `${PREFIX}/silence/${id}`, { token: admin })).status).toBe(200);
  });

  it("answers Alertmanager 0.25's refusals", async () => {
    const cases: Array<[unknown, number, unknown]> = [
      [body({ matchers: [] }), 422, { code: 612, message: 'matchers in body should have at least 1 items' }],
      [body({ matchers: [{ name: 'a', value: '', isRegex: false }] }), 400, 'silence invalid: at least one matcher must not match the empty string'],
      [body({ matchers: [{ name: 'a-b', value: 'x', isRegex: false }] }), 400, 'silence invalid: invalid label matcher 0: invalid label name "a-b"'],
      [body({ startsAt: iso(Date.now() + 7_200_000) }), 400, 'Failed to create silence: start time must be before end time'],
      [body({ startsAt: iso(Date.now() - 7_200_000), endsAt: iso(Date.now() - 3_600_000) }), 400, "Failed to create silence: end time can't be in the past"],
      [body({ comment: undefined }), 422, { code: 602, message: 'comment in body is required' }],
      [body({ matchers: [{ name: 'a', value: 'b' }] }), 422, { code: 602, message: 'matchers.0.isRegex in body is required' }],
      [body({ id: '6a0c9e46-0000-4000-8000-000000000000' }), 404, 'silence not found'],
      [body({ createdBy: 5 }), 400, { code: 400, message: 'parsing silence body from "" failed, because json: cannot unmarshal number into Go struct field Silence.createdBy of type string' }],
    ];
    for (const [b, status, expected] of cases) {
      const res = await post(admin, b);
      expect({ b, status: res.status, body: res.body }).toEqual({ b, status, body: expected });
    }
    expect((await call(p.baseUrl, 'GET', `${PREFIX}/silence/xyz`, { token: admin })).body).toEqual({ code: 601, message: 'silenceID in path must be of type uuid: "xyz"' });
    const unknown = await call(p.baseUrl, 'GET', `${PREFIX}/silence/6a0c9e46-0000-4000-8000-000000000000`, { token: admin });
    expect([unknown.status, unknown.body]).toEqual([404, undefined]);
    expect((await call(p.baseUrl, 'GET', `${PREFIX}/silences?filter=%7Ba%3D%22b%22%7D`, { token: admin })).body).toBe('bad matcher format: {a="b"}');
  });

  it('updates in place when only the end changes; new matchers replace the silence and expire the old one', async () => {
    const id = (await post(admin, body())).body.silenceID as string;
    const same = await post(admin, body({ id, endsAt: iso(Date.now() + 7_200_000), startsAt: (await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin })).body.startsAt }));
    expect(same.body.silenceID).toBe(id);
    const replaced = await post(admin, body({ id, matchers: [{ name: 'alertname', value: 'Other', isRegex: false }] }));
    expect(replaced.status).toBe(200);
    expect(replaced.body.silenceID).not.toBe(id);
    expect((await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin })).body.status.state).toBe('expired');
  });

  it('a SCIENTIST works only within associated experiments', async () => {
    const experiment = (code: string) => ({ name: 'experiment', value: code, isRegex: false, isEqual: true });
    expect((await post(sci, body())).status).toBe(403);
    const other = await post(sci, body({ matchers: [experiment('PRIVATE')] }));
    expect([other.status, other.body]).toEqual([404, 'experiment PRIVATE not found']);
    const own = await post(sci, body({ matchers: [experiment('ASSOC'), { name: 'job', value: 'api', isRegex: false }] }));
    expect(own.status).toBe(200);
    const hidden = (await post(admin, body({ matchers: [experiment('PRIVATE')] }))).body.silenceID as string;

    const seen = (await call(p.baseUrl, 'GET', `${PREFIX}/silences`, { token: sci })).body.map((s: { id: string }) => s.id);
    expect(seen).toEqual([own.body.silenceID]);
    const adminSees = (await call(p.baseUrl, 'GET', `${PREFIX}/silences`, { token: admin })).body.map((s: { id: string }) => s.id);
    expect(adminSees).toEqual(expect.arrayContaining([own.body.silenceID, hidden]));
    expect((await call(p.baseUrl, 'GET', `${PREFIX}/silence/${hidden}`, { token: sci })).status).toBe(404);
    expect((await call(p.baseUrl, 'DELETE', `${PREFIX}/silence/${hidden}`, { token: sci })).status).toBe(404);
    expect((await post(sci, body({ id: hidden, matchers: [experiment('ASSOC')] }))).status).toBe(404);
    expect((await call(p.baseUrl, 'DELETE', `${PREFIX}/silence/${own.body.silenceID}`, { token: sci })).status).toBe(200);
  });

  it('audits every change by id', async () => {
    const id = (await post(admin, body({ comment: 'audited' }))).body.silenceID as string;
    await call(p.baseUrl, 'DELETE', `${PREFIX}/silence/${id}`, { token: admin });
    const audit = await call(p.baseUrl, 'GET', '/audit?limit=200', { token: admin });
    expect(audit.status).toBe(200);
    const actions = audit.body.items.filter((e: { resource_id: string }) => e.resource_id === id).map((e: { action: string }) => e.action).sort();
    expect(actions).toEqual(['silence.create', 'silence.expire']);
  });

  it('an update without untilResolved (as amtool sends it) keeps the setting', async () => {
    const id = (await post(admin, body({ matchers: [{ name: 'job', value: 'keep', isRegex: false }], untilResolved: true }))).body.silenceID as string;
    const current = (await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin })).body;
    const updated = await post(admin, body({ id, matchers: current.matchers, startsAt: current.startsAt, endsAt: iso(Date.now() + 7_200_000) }));
    expect(updated.body.silenceID).toBe(id);
    expect((await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin })).body.untilResolved).toBe(true);
    const plain = (await post(admin, body())).body.silenceID as string;
    expect(Object.keys((await call(p.baseUrl, 'GET', `${PREFIX}/silence/${plain}`, { token: admin })).body)).not.toContain('untilResolved');
  });

  it('an until_resolved silence ends when every alert it muted has resolved', async () => {
    const maintenance = p.container.get(SilenceMaintenance);
    const created = await post(admin, body({ matchers: [{ name: 'job', value: 'db', isRegex: false }], untilResolved: true }));
    const id = created.body.silenceID as string;
    const got = await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin });
    expect(got.body.untilResolved).toBe(true);
    const silenceStart = Date.parse(got.body.startsAt);

    // Nothing has fired yet: it waits.
    expect((await maintenance.runOnce(Date.now())).ended).not.toContain(id);
    const labels = new Map([['job', 'db'], ['alertname', 'DbDown']]);
    const firing: NotifyAlert = {
      fingerprint: fingerprint(labels),
      labels,
      annotations: new Map(),
      startsAtMs: silenceStart + 1,
      endsAtMs: Date.now() + 300_000,
      endsAtGiven: false,
      updatedAtMs: silenceStart + 1,
      generatorURL: '',
      origin: 'api',
    };
    alerts.alerts = [firing];
    const muting = await maintenance.runOnce(Date.now());
    expect(muting.marked).toContain(id);
    expect(muting.ended).not.toContain(id);

    const resolvedAt = Date.now();
    alerts.alerts = [{ ...firing, endsAtMs: resolvedAt, endsAtGiven: true }];
    const pass = await maintenance.runOnce(resolvedAt + 10);
    expect(pass.ended).toContain(id);
    const after = await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token: admin });
    expect(after.body.status.state).toBe('expired');
    expect(Date.parse(after.body.endsAt)).toBe(resolvedAt);
    // A second process doing the same pass ends nothing twice.
    expect((await maintenance.runOnce(resolvedAt + 20)).ended).toEqual([]);
  });
});

describe('the silence-maintenance component', () => {
  let p: TestPlatform;
  const alerts = new AlertsStandIn();

  beforeAll(async () => {
    p = await startPlatform({
      components: ['silence-maintenance'],
      configure: (c) => {
        c.rebindSync(TYPES.NotifyAlertStore).toConstantValue(alerts);
        c.bind(TYPES.SilenceMaintenanceOptions).toConstantValue({ intervalMs: 100 });
      },
    });
  });
  afterAll(() => p.stop());

  it('ends an until_resolved silence on its own once its alert resolves', async () => {
    const token = await p.tokenFor(p.admin);
    const labels = new Map([['alertname', 'Backup'], ['host', 'b1']]);
    const firing: NotifyAlert = {
      fingerprint: fingerprint(labels),
      labels,
      annotations: new Map(),
      startsAtMs: Date.now(),
      endsAtMs: Date.now() + 300_000,
      endsAtGiven: false,
      updatedAtMs: Date.now(),
      generatorURL: '',
      origin: 'api',
    };
    const created = await call(p.baseUrl, 'POST', `${PREFIX}/silences`, {
      token,
      body: { matchers: [{ name: 'alertname', value: 'Backup', isRegex: false }], startsAt: iso(Date.now()), endsAt: iso(Date.now() + 3_600_000), createdBy: 'ops', comment: 'until fixed', untilResolved: true },
    });
    const id = created.body.silenceID as string;
    alerts.alerts = [{ ...firing, startsAtMs: Date.now() + 1 }];
    const store = p.container.get<SilenceMaintenanceStore>(TYPES.SilenceMaintenanceStore);
    await eventually(async () => (await store.activeUntilResolved(Date.now())).find((s) => s.id === id)?.mutedAtMs, (muted) => muted !== undefined, { what: 'the silence seen muting' });
    expect((await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token })).body.status.state).toBe('active');

    alerts.alerts = [{ ...alerts.alerts[0]!, endsAtMs: Date.now(), endsAtGiven: true }];
    const ended = await eventually(
      async () => (await call(p.baseUrl, 'GET', `${PREFIX}/silence/${id}`, { token })).body,
      (s) => s.status.state === 'expired',
      { what: 'the until_resolved silence ended' },
    );
    expect(Date.parse(ended.endsAt)).toBe(alerts.alerts[0]!.endsAtMs);
  });
});
