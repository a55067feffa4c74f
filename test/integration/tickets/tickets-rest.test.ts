import type { User } from '../../../src/domain/user';
import { TYPES } from '../../../src/identifiers';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { Notification, TicketSink } from '../../../src/notify/receivers/receiver';
import type { ExperimentStore } from '../../../src/storage/stores';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

/** /tickets over real HTTP and MariaDB, tickets opened through the TicketSink as the ticket integration does. */
describe('tickets over REST', () => {
  let p: TestPlatform;
  let admin: string;
  let sci: string;
  let scientist: User;
  let sink: TicketSink;
  let mine: number;
  let theirs: number;
  let unscoped: number;

  function alert(name: string, experimentId: number | undefined, severity: string): NotifyAlert {
    const now = Date.now();
    return {
      fingerprint: Buffer.from(name).toString('hex').padEnd(16, '0').slice(0, 16),
      labels: new Map([['alertname', name], ['severity', severity]]),
      annotations: new Map(),
      startsAtMs: now - 60_000,
      endsAtMs: now + 300_000,
      endsAtGiven: false,
      updatedAtMs: now,
      generatorURL: '',
      ...(experimentId === undefined ? {} : { experimentId }),
      origin: 'api',
    };
  }

  async function open(name: string, experimentId: number | undefined, severity = 'warning'): Promise<number> {
    const notification: Notification = {
      receiver: 'ops',
      groupKey: `{}:{alertname="${name}"}`,
      groupLabels: new Map([['alertname', name]]),
      alerts: [alert(name, experimentId, severity)],
      nowMs: Date.now(),
      externalURL: 'http://mymonit',
      templates: [],
    };
    const outcome = await sink.fromNotification({ sendResolved: true, reopenWindowMs: 3_600_000, autoResolve: true }, notification);
    expect(outcome.event).toBe('opened');
    return outcome.ticketId;
  }

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    scientist = await p.createUser('SCIENTIST', 'sci');
    sci = await p.tokenFor(scientist);
    const experiments = p.container.get<ExperimentStore>(TYPES.ExperimentStore);
    const a = await experiments.insert({ code: 'RTA', name: 'A' });
    const b = await experiments.insert({ code: 'RTB', name: 'B' });
    await experiments.associate(a.id, scientist.id);
    sink = p.container.get<TicketSink>(TYPES.TicketSink);
    mine = await open('PumpDown', a.id, 'critical');
    theirs = await open('ValveStuck', b.id);
    unscoped = await open('NodeDown', undefined, 'page');
  });

  afterAll(() => p.stop());

  it('lists tickets newest first with filters and pages; a SCIENTIST sees only their experiments', async () => {
    const all = await call(p.baseUrl, 'GET', '/tickets', { token: admin });
    expect(all.status).toBe(200);
    expect(all.body.items.map((t: { id: number }) => t.id)).toEqual([unscoped, theirs, mine]);
    expect(all.body.items[2]).toMatchObject({
      id: mine,
      state: 'open',
      priority: 'critical',
      assignee: null,
      receiver: 'ops',
      group_key: '{}:{alertname="PumpDown"}',
      group_labels: { alertname: 'PumpDown' },
      experiments: ['RTA'],
      current: true,
      reopen_count: 0,
      alerts: [{ status: 'firing', labels: { alertname: 'PumpDown', severity: 'critical' } }],
    });
    const page1 = await call(p.baseUrl, 'GET', '/tickets?limit=2', { token: admin });
    expect(page1.body.items).toHaveLength(2);
    const page2 = await call(p.baseUrl, 'GET', `/tickets?limit=2&cursor=${page1.body.next}`, { token: admin });
    expect(page2.body.items.map((t: { id: number }) => t.id)).toEqual([mine]);
    expect(page2.body.next).toBeUndefined();
    expect((await call(p.baseUrl, 'GET', '/tickets?priority=critical', { token: admin })).body.items.map((t: { id: number }) => t.id)).toEqual([unscoped, mine]);
    expect((await call(p.baseUrl, 'GET', '/tickets?experiment=RTB&state=open', { token: admin })).body.items.map((t: { id: number }) => t.id)).toEqual([theirs]);
    expect((await call(p.baseUrl, 'GET', '/tickets', { token: sci })).body.items.map((t: { id: number }) => t.id)).toEqual([mine]);
    expect((await call(p.baseUrl, 'GET', '/tickets?experiment=RTB', { token: sci })).status).toBe(404);
    const bad = await call(p.baseUrl, 'GET', '/tickets?state=pending', { token: admin });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('state');
    expect((await call(p.baseUrl, 'GET', '/tickets?assignee=1e3', { token: admin })).status).toBe(400);
    expect((await call(p.baseUrl, 'GET', '/tickets?cursor=bm9wZQ', { token: admin })).status).toBe(400);
    expect((await call(p.baseUrl, 'GET', '/tickets')).status).toBe(401);
  });

  it('reads one ticket with its comments and events; outside the scope it does not exist', async () => {
    const got = await call(p.baseUrl, 'GET', `/tickets/${mine}`, { token: sci });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: mine, comments: [], events: [{ kind: 'opened', actor: null, detail: { to: 'open', priority: 'critical' } }] });
    expect((await call(p.baseUrl, 'GET', `/tickets/${theirs}`, { token: sci })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', `/tickets/${unscoped}`, { token: sci })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/tickets/999999', { token: admin })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/tickets/abc', { token: admin })).status).toBe(400);
  });

  it('walks the lifecycle over HTTP with the rights of each role, audited', async () => {
    const acked = await call(p.baseUrl, 'POST', `/tickets/${mine}/acknowledge`, { token: sci });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ state: 'acknowledged', acknowledged_at: expect.any(String), time_to_acknowledge_ms: expect.any(Number) });
    const again = await call(p.baseUrl, 'POST', `/tickets/${mine}/acknowledge`, { token: admin });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('acknowledged');
    expect((await call(p.baseUrl, 'POST', `/tickets/${theirs}/acknowledge`, { token: sci })).status).toBe(404);

    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/assign`, { token: sci, body: { assignee: scientist.id } })).status).toBe(403);
    const nobody = await call(p.baseUrl, 'POST', `/tickets/${mine}/assign`, { token: admin, body: { assignee: 999_999 } });
    expect(nobody.status).toBe(400);
    expect(nobody.body.errors).toEqual([{ path: 'assignee', message: 'user 999999 not found' }]);
    expect((await call(p.baseUrl, 'POST', `/tickets/${theirs}/assign`, { token: admin, body: { assignee: scientist.id } })).status).toBe(400);
    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/assign`, { token: admin, body: { assignee: 1.5 } })).status).toBe(400);
    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/assign`, { token: admin, body: {} })).status).toBe(400);
    const assigned = await call(p.baseUrl, 'POST', `/tickets/${mine}/assign`, { token: admin, body: { assignee: scientist.id } });
    expect(assigned.body.assignee).toBe(scientist.id);
    expect((await call(p.baseUrl, 'GET', `/tickets?assignee=${scientist.id}`, { token: admin })).body.items.map((t: { id: number }) => t.id)).toEqual([mine]);

    const comment = await call(p.baseUrl, 'POST', `/tickets/${mine}/comments`, { token: sci, body: { body: 'pump restarted' } });
    expect(comment.status).toBe(201);
    expect(comment.body).toMatchObject({ id: expect.any(Number), author: scientist.id, body: 'pump restarted', at: expect.any(String) });
    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/comments`, { token: sci, body: { body: '' } })).status).toBe(400);
    const blank = await call(p.baseUrl, 'POST', `/tickets/${mine}/comments`, { token: sci, body: { body: '  ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([{ path: 'body', message: 'must not be blank' }]);
    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/comments`, { token: sci, body: { body: 'x', extra: 1 } })).status).toBe(400);
    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/comments`, { token: sci, rawBody: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);

    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/close`, { token: admin })).status).toBe(409);
    const resolved = await call(p.baseUrl, 'POST', `/tickets/${mine}/resolve`, { token: sci, body: { comment: 'fixed the seal' } });
    expect(resolved.body).toMatchObject({ state: 'resolved', auto_resolved: false, resolved_at: expect.any(String) });
    expect((await call(p.baseUrl, 'POST', `/tickets/${mine}/close`, { token: sci })).status).toBe(403);
    const closed = await call(p.baseUrl, 'POST', `/tickets/${mine}/close`, { token: admin, body: {} });
    expect(closed.status).toBe(200);
    expect(closed.body.state).toBe('closed');

    const detail = await call(p.baseUrl, 'GET', `/tickets/${mine}`, { token: sci });
    expect(detail.body.comments.map((c: { body: string }) => c.body)).toEqual(['pump restarted', 'fixed the seal']);
    expect(detail.body.events.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'acknowledged', 'assigned', 'commented', 'resolved', 'commented', 'closed']);

    const audit = await call(p.baseUrl, 'GET', '/audit?resource=ticket&limit=100', { token: admin });
    const actions = audit.body.items.filter((e: { resource_id: string }) => e.resource_id === String(mine)).map((e: { action: string }) => e.action);
    expect(actions).toEqual(['ticket.open', 'ticket.acknowledge', 'ticket.assign', 'ticket.comment', 'ticket.resolve', 'ticket.comment', 'ticket.close']);
  });
});
