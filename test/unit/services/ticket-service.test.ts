import { ConflictError, StorageUnavailableError, ValidationError } from '../../../src/domain/errors';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { Notification } from '../../../src/notify/receivers/receiver';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';
import { TicketMetrics } from '../../../src/metrics/ticket-metrics';
import { AuditTrail } from '../../../src/services/audit-trail';
import { ExperimentVisibility } from '../../../src/services/authorization';
import { TicketService } from '../../../src/services/ticket-service';
import type { TicketEvent } from '../../../src/tickets/events';
import { MemoryLogger } from '../../support/amqp-fakes';
import { InMemoryTicketStore } from '../../support/in-memory-ticket-store';
import { immediateCommitHooks, InMemoryAuditStore, InMemoryExperimentStore, InMemoryUserStore, PassThroughTransactor } from '../../support/in-memory-stores';

const config = { sendResolved: true, reopenWindowMs: 60_000, autoResolve: true };

function alert(nowMs: number): NotifyAlert {
  return {
    fingerprint: 'aaaaaaaaaaaaaaaa',
    labels: new Map([['alertname', 'A'], ['severity', 'major']]),
    annotations: new Map(),
    startsAtMs: nowMs - 1,
    endsAtMs: nowMs + 1_000,
    endsAtGiven: false,
    updatedAtMs: nowMs,
    generatorURL: '',
    experimentId: 1,
    origin: 'rule',
  };
}

function notification(nowMs = 1_000): Notification {
  return { receiver: 'ops', groupKey: '{}:{}', groupLabels: new Map(), alerts: [alert(nowMs)], nowMs, externalURL: '', templates: [] };
}

function build(listener: (e: TicketEvent) => void = () => undefined) {
  const store = new InMemoryTicketStore();
  const users = new InMemoryUserStore();
  const experiments = new InMemoryExperimentStore(users);
  const logger = new MemoryLogger();
  const tx = new PassThroughTransactor();
  const audit = new InMemoryAuditStore();
  const registry = new MetricsRegistry();
  const service = new TicketService(
    store,
    users,
    experiments,
    tx,
    immediateCommitHooks,
    new AuditTrail(audit, immediateCommitHooks, logger),
    new ExperimentVisibility(experiments),
    { ticketEvent: listener },
    logger,
    () => 5_000,
    new TicketMetrics(registry),
  );
  return { service, store, logger, tx, audit, registry };
}

describe('TicketService (unit)', () => {
  it('a rival opening the group ticket first: the conflict is retried and the rival ticket updated', async () => {
    const { service, store, tx } = build();
    let rival = true;
    store.beforeInsert = (ticket) => {
      if (!rival) return;
      rival = false;
      // Another instance commits its ticket for the group between our read and our insert.
      store.insertNow(ticket);
    };
    const outcome = await service.fromNotification(config, notification());
    expect(outcome).toEqual({ ticketId: 1, event: 'updated' });
    expect(store.tickets.size).toBe(1);
    expect(tx.transactions).toBe(2);
  });

  it('gives up after 5 attempts when storage stays unavailable; other errors are not retried', async () => {
    const { service, store, tx } = build();
    store.beforeInsert = () => {
      throw new StorageUnavailableError('deadlock', { cause: new Error('x'), code: 'ER_LOCK_DEADLOCK' });
    };
    await expect(service.fromNotification(config, notification())).rejects.toThrow(StorageUnavailableError);
    expect(tx.transactions).toBe(5);
    store.beforeInsert = () => {
      throw new ValidationError('receiver is longer than storage allows');
    };
    await expect(service.fromNotification(config, notification())).rejects.toThrow(ValidationError);
    expect(tx.transactions).toBe(6);
  });

  it('a listener that throws does not undo the change; it is logged', async () => {
    const { service, store, logger } = build(() => {
      throw new Error('broker gone');
    });
    const outcome = await service.fromNotification(config, notification());
    expect(outcome.event).toBe('opened');
    expect(store.tickets.size).toBe(1);
    expect(logger.entries.some((e) => e.level === 'warn' && e.message === 'a ticket event listener failed')).toBe(true);
  });

  it('the listener hears each change with the ticket after it; audit events carry no actor for the system', async () => {
    const heard: TicketEvent[] = [];
    const { service, audit } = build((e) => heard.push(e));
    const { ticketId } = await service.fromNotification(config, notification());
    const resolved: Notification = { ...notification(2_000), alerts: [{ ...alert(1_000), endsAtMs: 1_500 }] };
    expect(await service.fromNotification(config, resolved)).toEqual({ ticketId, event: 'resolved' });
    expect(heard.map((e) => [e.kind, e.ticket.state, e.actorId])).toEqual([
      ['opened', 'open', undefined],
      ['resolved', 'resolved', undefined],
    ]);
    const events = await audit.list({ limit: 10 });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['ticket.open', null],
      ['ticket.resolve', null],
    ]);
    expect(events[1]!.detail).toMatchObject({ automatic: true, state: 'resolved', priority: 'major' });
  });

  it('refuses a comment over 10,000 characters naming the field, before any lookup', async () => {
    const { service } = build();
    const admin = { id: 1, isAdmin: true } as never;
    await expect(service.comment(admin, 1, 'x'.repeat(10_001))).rejects.toThrow(new ValidationError('body: must be at most 10000 characters'));
    await expect(service.acknowledge(admin, 1, '')).rejects.toThrow('comment: must not be blank');
  });

  it('a conflict of the state machine is a ConflictError naming the state', async () => {
    const { service, store } = build();
    await service.fromNotification(config, notification());
    const admin = { id: 1, isAdmin: true } as never;
    await service.acknowledge(admin, 1);
    await expect(service.acknowledge(admin, 1)).rejects.toThrow(new ConflictError('ticket 1: a ticket that is acknowledged cannot be acknowledged'));
    expect(store.tickets.get(1)?.timeToAcknowledgeMs).toBe(4_000);
  });

  it('counts committed changes and observes the times to acknowledge and resolve in /metrics', async () => {
    const { service, registry } = build();
    await service.fromNotification(config, notification());
    const admin = { id: 1, isAdmin: true } as never;
    await service.acknowledge(admin, 1);
    await service.resolve(admin, 1);
    const text = await registry.text();
    expect(text).toMatch(/^mymonit_ticket_events_total\{kind="opened"\} 1$/m);
    expect(text).toMatch(/^mymonit_ticket_events_total\{kind="acknowledged"\} 1$/m);
    expect(text).toMatch(/^mymonit_ticket_time_to_acknowledge_seconds_sum\{priority="major"\} 4$/m);
    expect(text).toMatch(/^mymonit_ticket_time_to_resolve_seconds_count\{priority="major"\} 1$/m);
  });
});
