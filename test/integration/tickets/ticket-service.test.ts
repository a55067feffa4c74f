import type { Container } from 'inversify';
import { buildContainer } from '../../../src/container';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../src/domain/errors';
import type { User } from '../../../src/domain/user';
import { TYPES } from '../../../src/identifiers';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { TicketConfig } from '../../../src/notify/config/model';
import type { Notification, TicketSink } from '../../../src/notify/receivers/receiver';
import type { TicketService } from '../../../src/services/ticket-service';
import type { AuditStore, Database, ExperimentStore, Migrator, UserStore } from '../../../src/storage/stores';
import type { TicketEvent } from '../../../src/tickets/events';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';
import { newUser } from '../storage/storage-fixture';

const HOUR = 3_600_000;

/** TicketService over the real MariaDB: the TicketSink side (notifications) and the operators' side. */
describe('TicketService', () => {
  let database: TestDatabase;
  let container: Container;
  let service: TicketService;
  let sink: TicketSink;
  let admin: User;
  let scientist: User;
  let outsider: User;
  let expA: number;
  let expB: number;
  const events: TicketEvent[] = [];
  let clock = 1_000_000;
  const config: TicketConfig = { sendResolved: true, reopenWindowMs: HOUR, autoResolve: true };

  beforeAll(async () => {
    database = await createTestDatabase();
    container = buildContainer(testConfig({ DB_DATABASE: database.name }));
    container.rebindSync(TYPES.TicketEventListener).toConstantValue({ ticketEvent: (e: TicketEvent) => events.push(e) });
    container.bind(TYPES.TicketClock).toConstantValue(() => clock);
    await container.get<Migrator>(TYPES.Migrator).migrate();
    service = container.get<TicketService>(TYPES.TicketService);
    sink = container.get<TicketSink>(TYPES.TicketSink);
    const users = container.get<UserStore>(TYPES.UserStore);
    admin = await users.insert(newUser({ role: 'ADMIN' }));
    scientist = await users.insert(newUser());
    outsider = await users.insert(newUser());
    const experiments = container.get<ExperimentStore>(TYPES.ExperimentStore);
    expA = (await experiments.insert({ code: 'TKA', name: 'A' })).id;
    expB = (await experiments.insert({ code: 'TKB', name: 'B' })).id;
    await experiments.associate(expA, scientist.id);
  });

  afterAll(async () => {
    await container.get<Database>(TYPES.Database).close();
    await database.drop();
  });

  let counter = 0;
  function alert(name: string, nowMs: number, options: { resolved?: boolean; startsAtMs?: number; severity?: string; experimentId?: number | null } = {}): NotifyAlert {
    const labels = new Map([['alertname', name], ['severity', options.severity ?? 'warning']]);
    const experimentId = options.experimentId === undefined ? expA : options.experimentId;
    return {
      fingerprint: Buffer.from(name).toString('hex').padEnd(16, '0').slice(0, 16),
      labels,
      annotations: new Map(),
      startsAtMs: options.startsAtMs ?? nowMs - 1_000,
      endsAtMs: options.resolved ? nowMs - 1 : nowMs + 300_000,
      endsAtGiven: false,
      updatedAtMs: nowMs,
      generatorURL: '',
      ...(experimentId === null ? {} : { experimentId }),
      origin: 'api',
    };
  }
  function groupKey(): string {
    counter += 1;
    return `{}/{team="t"}:{alertname="G${counter}"}`;
  }
  function notification(key: string, alerts: NotifyAlert[], nowMs: number): Notification {
    return { receiver: 'ops', groupKey: key, groupLabels: new Map([['alertname', key]]), alerts, nowMs, externalURL: 'http://x', templates: [] };
  }

  it('a firing group opens one ticket, audited with no actor, its event heard after the commit', async () => {
    const key = groupKey();
    const opened = await sink.fromNotification(config, notification(key, [alert('a', 10_000, { severity: 'critical' })], 10_000));
    expect(opened).toEqual({ ticketId: expect.any(Number), event: 'opened' });
    const detail = await service.get(admin, opened.ticketId);
    expect(detail.ticket).toMatchObject({ state: 'open', priority: 'critical', receiver: 'ops', groupKey: key, experiments: ['TKA'], openedAtMs: 10_000 });
    expect(detail.events.map((e) => e.kind)).toEqual(['opened']);
    expect(events.at(-1)).toMatchObject({ kind: 'opened', ticket: { id: opened.ticketId } });
    const audit = await container.get<AuditStore>(TYPES.AuditStore).list({ limit: 100, action: 'ticket.open' });
    expect(audit.find((e) => e.resourceId === String(opened.ticketId))).toMatchObject({ actor: null, resourceType: 'ticket', outcome: 'success' });
    // The repeat of the same firing alert changes nothing but the snapshot.
    expect(await sink.fromNotification(config, notification(key, [alert('a', 10_000, { severity: 'critical', startsAtMs: 9_000 })], 20_000))).toEqual({
      ticketId: opened.ticketId,
      event: 'updated',
    });
  });

  it('concurrent notifications for one group give one ticket', async () => {
    const key = groupKey();
    const results = await Promise.all(Array.from({ length: 6 }, () => sink.fromNotification(config, notification(key, [alert('b', 10_000)], 10_000))));
    const ids = new Set(results.map((r) => r.ticketId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.event === 'opened')).toHaveLength(1);
    const listed = await service.list(admin, { limit: 500 });
    expect(listed.items.filter((t) => t.groupKey === key)).toHaveLength(1);
  });

  it('escalates, auto-resolves when every alert resolved, reopens within the window, opens anew after it', async () => {
    const key = groupKey();
    const t0 = 100_000;
    const { ticketId } = await sink.fromNotification(config, notification(key, [alert('c', t0, { severity: 'minor', startsAtMs: t0 - 1 })], t0));
    expect(await sink.fromNotification(config, notification(key, [alert('c', t0, { severity: 'minor', startsAtMs: t0 - 1 }), alert('d', t0 + 10, { severity: 'critical' })], t0 + 10))).toEqual({
      ticketId,
      event: 'escalated',
    });
    const resolvedAt = t0 + 60_000;
    expect(
      await sink.fromNotification(config, notification(key, [alert('c', resolvedAt, { resolved: true, startsAtMs: t0 - 1 }), alert('d', resolvedAt, { resolved: true })], resolvedAt)),
    ).toEqual({ ticketId, event: 'resolved' });
    expect((await service.get(admin, ticketId)).ticket).toMatchObject({ state: 'resolved', autoResolved: true, timeToResolveMs: 60_000, priority: 'critical' });
    const refireAt = resolvedAt + HOUR / 2;
    expect(await sink.fromNotification(config, notification(key, [alert('c', refireAt)], refireAt))).toEqual({ ticketId, event: 'reopened' });
    const reopened = (await service.get(admin, ticketId)).ticket;
    expect(reopened).toMatchObject({ state: 'open', reopenCount: 1, reopenedAtMs: refireAt, priority: 'minor' });
    const again = refireAt + 1_000;
    await sink.fromNotification(config, notification(key, [alert('c', again, { resolved: true, startsAtMs: refireAt - 1_000 })], again));
    const late = again + HOUR + 1;
    const fresh = await sink.fromNotification(config, notification(key, [alert('c', late)], late));
    expect(fresh.event).toBe('opened');
    expect(fresh.ticketId).not.toBe(ticketId);
    expect((await service.get(admin, ticketId)).ticket.current).toBe(false);
    expect((await service.get(admin, fresh.ticketId)).events[0]).toMatchObject({ kind: 'opened', detail: { supersedes: ticketId } });
    // Without auto-resolve the ticket stays open when everything resolved.
    const manual = await sink.fromNotification({ ...config, autoResolve: false }, notification(groupKey(), [alert('e', late, { resolved: true })], late));
    expect(manual).toEqual({ ticketId: 0, event: 'ignored' });
  });

  it('operators: acknowledge, assign, comment, resolve, close with the times; SCIENTIST rights and scope', async () => {
    const key = groupKey();
    clock = 500_000;
    const { ticketId } = await sink.fromNotification(config, notification(key, [alert('f', 440_000)], 440_000));
    await expect(service.get(outsider, ticketId)).rejects.toThrow(NotFoundError);
    await expect(service.acknowledge(outsider, ticketId)).rejects.toThrow(NotFoundError);
    const acked = await service.acknowledge(scientist, ticketId, 'on it');
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedAtMs: 500_000, timeToAcknowledgeMs: 60_000 });
    await expect(service.acknowledge(admin, ticketId)).rejects.toThrow(ConflictError);
    await expect(service.assign(scientist, ticketId, scientist.id)).rejects.toThrow(ForbiddenError);
    await expect(service.assign(admin, ticketId, outsider.id)).rejects.toThrow(new ValidationError(`assignee: user ${outsider.id} cannot see ticket ${ticketId}`));
    await expect(service.assign(admin, ticketId, 999_999)).rejects.toThrow(ValidationError);
    expect(await service.assign(admin, ticketId, scientist.id)).toMatchObject({ assigneeId: scientist.id });
    await expect(service.comment(scientist, ticketId, '   ')).rejects.toThrow('body: must not be blank');
    await service.comment(scientist, ticketId, 'restarted the pump');
    await expect(service.close(scientist, ticketId)).rejects.toThrow(ForbiddenError);
    await expect(service.close(admin, ticketId)).rejects.toThrow('a ticket that is acknowledged cannot be closed');
    clock = 800_000;
    expect(await service.resolve(scientist, ticketId)).toMatchObject({ state: 'resolved', timeToResolveMs: 360_000, autoResolved: false });
    expect(await service.close(admin, ticketId, 'post-mortem done')).toMatchObject({ state: 'closed', closedAtMs: 800_000 });
    const detail = await service.get(scientist, ticketId);
    expect(detail.comments.map((c) => [c.authorId, c.body])).toEqual([
      [scientist.id, 'on it'],
      [scientist.id, 'restarted the pump'],
      [admin.id, 'post-mortem done'],
    ]);
    expect(detail.events.map((e) => [e.kind, e.actorId])).toEqual([
      ['opened', undefined],
      ['acknowledged', scientist.id],
      ['commented', scientist.id],
      ['assigned', admin.id],
      ['commented', scientist.id],
      ['resolved', scientist.id],
      ['closed', admin.id],
      ['commented', admin.id],
    ]);
    const audit = await container.get<AuditStore>(TYPES.AuditStore).list({ limit: 500, resourceType: 'ticket' });
    expect(audit.filter((e) => e.resourceId === String(ticketId)).map((e) => e.action)).toEqual([
      'ticket.open',
      'ticket.acknowledge',
      'ticket.comment',
      'ticket.assign',
      'ticket.comment',
      'ticket.resolve',
      'ticket.close',
      'ticket.comment',
    ]);
  });

  it('a SCIENTIST sees only tickets whose every experiment is theirs; filters and pages', async () => {
    const now = 900_000;
    const mine = await sink.fromNotification(config, notification(groupKey(), [alert('g', now, { severity: 'critical' })], now));
    const shared = await sink.fromNotification(config, notification(groupKey(), [alert('h', now), alert('i', now, { experimentId: expB })], now));
    const noExperiment = await sink.fromNotification(config, notification(groupKey(), [alert('j', now, { experimentId: null })], now));
    const seen = (await service.list(scientist, { limit: 500 })).items.map((t) => t.id);
    expect(seen).toContain(mine.ticketId);
    expect(seen).not.toContain(shared.ticketId);
    expect(seen).not.toContain(noExperiment.ticketId);
    await expect(service.get(scientist, shared.ticketId)).rejects.toThrow(NotFoundError);
    await expect(service.list(scientist, { experiment: 'TKB', limit: 10 })).rejects.toThrow(NotFoundError);
    expect((await service.list(admin, { experiment: 'TKB', limit: 10 })).items.map((t) => t.id)).toEqual([shared.ticketId]);
    expect((await service.list(admin, { priority: 'critical', state: 'open', limit: 500 })).items.map((t) => t.id)).toContain(mine.ticketId);
    const first = await service.list(admin, { limit: 2 });
    expect(first.items.map((t) => t.id)).toEqual([noExperiment.ticketId, shared.ticketId]);
    const second = await service.list(admin, { limit: 2, cursor: first.next });
    expect(second.items[0]!.id).toBe(mine.ticketId);
    expect((await service.list(admin, { assignee: scientist.id, limit: 10 })).items).toHaveLength(1);
  });
});
