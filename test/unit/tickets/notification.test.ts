import type { NotifyAlert } from '../../../src/notify/alert';
import type { Notification } from '../../../src/notify/receivers/receiver';
import { apply, opened } from '../../../src/tickets/lifecycle';
import { decide, firedAgain, snapshotOf } from '../../../src/tickets/notification';
import type { TicketAlert, TicketLifecycle } from '../../../src/tickets/ticket';

const NOW = 1_000_000;

function alert(name: string, options: { severity?: string; resolved?: boolean; startsAtMs?: number; experimentId?: number } = {}): NotifyAlert {
  const labels = new Map([['alertname', name]]);
  if (options.severity !== undefined) labels.set('severity', options.severity);
  return {
    fingerprint: name.padEnd(16, '0').slice(0, 16),
    labels,
    annotations: new Map(),
    startsAtMs: options.startsAtMs ?? NOW - 60_000,
    endsAtMs: options.resolved ? NOW - 1 : NOW + 300_000,
    endsAtGiven: false,
    updatedAtMs: NOW,
    generatorURL: '',
    ...(options.experimentId === undefined ? {} : { experimentId: options.experimentId }),
    origin: 'api',
  };
}

function notification(alerts: NotifyAlert[], nowMs = NOW): Notification {
  return { receiver: 'ops', groupKey: '{}:{alertname="x"}', groupLabels: new Map(), alerts, nowMs, externalURL: 'http://mymonit', templates: [] };
}

const config = { reopenWindowMs: 3_600_000, autoResolve: true };
const withAlerts = (t: TicketLifecycle, alerts: readonly TicketAlert[]) => ({ ...t, alerts });

describe('a notification and its group ticket', () => {
  it('snapshots status, priority from the firing alerts, experiments and unscoped alerts', () => {
    const s = snapshotOf(
      notification([alert('a', { severity: 'warning', experimentId: 4 }), alert('b', { severity: 'critical', resolved: true, experimentId: 2 }), alert('c', { experimentId: 4 })]),
    );
    expect(s.alerts.map((a) => a.status)).toEqual(['firing', 'resolved', 'firing']);
    expect(s.firing).toBe(2);
    expect(s.priority).toBe('minor');
    expect(s.experimentIds).toEqual([2, 4]);
    expect(s.unscoped).toBe(false);
    expect(snapshotOf(notification([alert('a', { experimentId: 1 }), alert('b')])).unscoped).toBe(true);
    // Nothing fires: the priority of the resolved ones.
    expect(snapshotOf(notification([alert('b', { severity: 'critical', resolved: true })])).priority).toBe('critical');
  });

  it('a firing group without a ticket opens one; a resolved one without a ticket is ignored', () => {
    expect(decide(undefined, snapshotOf(notification([alert('a')])), config, NOW)).toEqual({ kind: 'open' });
    expect(decide(undefined, snapshotOf(notification([alert('a', { resolved: true })])), config, NOW)).toEqual({ kind: 'ignore' });
    expect(decide(undefined, snapshotOf(notification([])), config, NOW)).toEqual({ kind: 'ignore' });
  });

  it('auto-resolves an open or acknowledged ticket when every alert resolved, if configured', () => {
    const s = snapshotOf(notification([alert('a', { resolved: true }), alert('b', { resolved: true })]));
    const open = withAlerts(opened('minor', 0), []);
    expect(decide(open, s, config, NOW)).toEqual({ kind: 'auto-resolve' });
    const acked = withAlerts(apply(open, { kind: 'acknowledge' }, { kind: 'user', userId: 1 }, 5).ticket, []);
    expect(decide(acked, s, config, NOW)).toEqual({ kind: 'auto-resolve' });
    expect(decide(open, s, { ...config, autoResolve: false }, NOW)).toEqual({ kind: 'update' });
    // One still firing: not resolved.
    expect(decide(open, snapshotOf(notification([alert('a', { resolved: true }), alert('b')])), config, NOW)).toEqual({ kind: 'update' });
  });

  it('escalates when a firing alert is more severe than the ticket; never lowers', () => {
    const open = withAlerts(opened('minor', 0), []);
    expect(decide(open, snapshotOf(notification([alert('a', { severity: 'critical' })])), config, NOW)).toEqual({ kind: 'escalate' });
    const critical = withAlerts(opened('critical', 0), []);
    expect(decide(critical, snapshotOf(notification([alert('a', { severity: 'minor' })])), config, NOW)).toEqual({ kind: 'update' });
  });

  it('reopens a resolved or closed ticket whose group fires again within the window, else opens a new one', () => {
    const first = snapshotOf(notification([alert('a', { startsAtMs: 100 })]));
    const resolvedAt = NOW - 10_000;
    const resolved = withAlerts(
      apply(opened('minor', 0), { kind: 'auto-resolve' }, { kind: 'system' }, resolvedAt).ticket,
      snapshotOf(notification([alert('a', { startsAtMs: 100, resolved: true })])).alerts,
    );
    const refire = snapshotOf(notification([alert('a', { startsAtMs: NOW - 5_000 })]));
    expect(decide(resolved, refire, config, NOW)).toEqual({ kind: 'reopen' });
    const closed = { ...resolved, ...apply(resolved, { kind: 'close' }, { kind: 'user', userId: 1 }, NOW - 9_000).ticket };
    expect(decide(closed, refire, config, NOW)).toEqual({ kind: 'reopen' });
    // The window is counted from the resolution; its end is still inside.
    expect(decide(resolved, refire, { ...config, reopenWindowMs: 10_000 }, NOW)).toEqual({ kind: 'reopen' });
    expect(decide(resolved, refire, { ...config, reopenWindowMs: 9_999 }, NOW)).toEqual({ kind: 'open' });
    expect(decide(resolved, refire, { ...config, reopenWindowMs: 0 }, NOW)).toEqual({ kind: 'open' });
    expect(first.firing).toBe(1);
  });

  it('a repeat of alerts still firing when a person resolved the ticket does not reopen it; a new start or another alert does', () => {
    const snapshot = snapshotOf(notification([alert('a', { startsAtMs: 100 })])).alerts;
    const resolvedByHand = withAlerts(apply(opened('minor', 0), { kind: 'resolve' }, { kind: 'user', userId: 1 }, NOW - 1_000).ticket, snapshot);
    expect(decide(resolvedByHand, snapshotOf(notification([alert('a', { startsAtMs: 100 })])), config, NOW)).toEqual({ kind: 'update' });
    expect(decide(resolvedByHand, snapshotOf(notification([alert('a', { startsAtMs: 100 }), alert('b')])), config, NOW)).toEqual({ kind: 'reopen' });
    expect(decide(resolvedByHand, snapshotOf(notification([alert('a', { startsAtMs: 200 })])), config, NOW)).toEqual({ kind: 'reopen' });
    // A resolved notification for a resolved ticket changes nothing but the snapshot.
    expect(decide(resolvedByHand, snapshotOf(notification([alert('a', { resolved: true })])), config, NOW)).toEqual({ kind: 'update' });
  });

  it('firedAgain compares fingerprints and starts of firing alerts only', () => {
    const a = (fingerprint: string, status: 'firing' | 'resolved', startsAtMs: number): TicketAlert => ({ fingerprint, status, startsAtMs, endsAtMs: 0, labels: new Map() });
    expect(firedAgain([a('1', 'firing', 1)], [a('1', 'firing', 1)])).toBe(false);
    expect(firedAgain([a('1', 'resolved', 1)], [a('1', 'firing', 1)])).toBe(true);
    expect(firedAgain([a('1', 'firing', 1)], [a('1', 'resolved', 1), a('2', 'resolved', 1)])).toBe(false);
    expect(firedAgain([], [a('2', 'firing', 1)])).toBe(true);
  });
});
