import { allowed, apply, opened, TicketTransitionError, type TicketAction } from '../../../src/tickets/lifecycle';
import type { TicketActor, TicketLifecycle, TicketState } from '../../../src/tickets/ticket';
import { TICKET_STATES } from '../../../src/tickets/ticket';

const person: TicketActor = { kind: 'user', userId: 7 };
const system: TicketActor = { kind: 'system' };

function run(ticket: TicketLifecycle, steps: Array<[TicketAction, TicketActor, number]>): TicketLifecycle {
  return steps.reduce((t, [action, actor, at]) => apply(t, action, actor, at).ticket, ticket);
}

describe('ticket lifecycle', () => {
  it('goes open -> acknowledged -> resolved -> closed and records the times and durations', () => {
    const t0 = opened('major', 1_000);
    expect(t0).toEqual({ state: 'open', priority: 'major', openedAtMs: 1_000, reopenCount: 0, autoResolved: false });
    const ack = apply(t0, { kind: 'acknowledge' }, person, 61_000);
    expect(ack.ticket).toMatchObject({ state: 'acknowledged', acknowledgedAtMs: 61_000, timeToAcknowledgeMs: 60_000 });
    expect(ack.event).toEqual({ kind: 'acknowledged', detail: { from: 'open', to: 'acknowledged' } });
    const resolved = apply(ack.ticket, { kind: 'resolve' }, person, 301_000);
    expect(resolved.ticket).toMatchObject({ state: 'resolved', resolvedAtMs: 301_000, timeToResolveMs: 300_000, autoResolved: false });
    expect(resolved.event).toEqual({ kind: 'resolved', detail: { from: 'acknowledged', to: 'resolved', automatic: false } });
    const closed = apply(resolved.ticket, { kind: 'close' }, person, 400_000);
    expect(closed.ticket).toMatchObject({ state: 'closed', closedAtMs: 400_000, timeToAcknowledgeMs: 60_000, timeToResolveMs: 300_000 });
  });

  it('the allowed transitions are exactly the table of lifecycle.ts', () => {
    const table: Record<TicketAction['kind'], [TicketActor['kind'], TicketState[]]> = {
      acknowledge: ['user', ['open']],
      resolve: ['user', ['open', 'acknowledged']],
      'auto-resolve': ['system', ['open', 'acknowledged']],
      close: ['user', ['resolved']],
      reopen: ['system', ['resolved', 'closed']],
      assign: ['user', ['open', 'acknowledged', 'resolved']],
      escalate: ['system', ['open', 'acknowledged']],
    };
    for (const [action, [by, from]] of Object.entries(table) as Array<[TicketAction['kind'], [TicketActor['kind'], TicketState[]]]>) {
      for (const state of TICKET_STATES) {
        for (const actor of ['user', 'system'] as const) {
          expect({ action, state, actor, allowed: allowed(state, action, actor) }).toEqual({ action, state, actor, allowed: actor === by && from.includes(state) });
        }
      }
    }
  });

  it('refuses a transition the state does not allow, saying why', () => {
    const ack = run(opened('minor', 0), [[{ kind: 'acknowledge' }, person, 5]]);
    expect(() => apply(ack, { kind: 'acknowledge' }, person, 6)).toThrow(new TicketTransitionError('a ticket that is acknowledged cannot be acknowledged', 'state'));
    expect(() => apply(opened('minor', 0), { kind: 'close' }, person, 6)).toThrow('a ticket that is open cannot be closed');
    const closed = run(ack, [
      [{ kind: 'resolve' }, person, 7],
      [{ kind: 'close' }, person, 8],
    ]);
    expect(() => apply(closed, { kind: 'assign', assigneeId: 3 }, person, 9)).toThrow('a ticket that is closed cannot be assigned');
    expect(() => apply(closed, { kind: 'resolve' }, person, 9)).toThrow(TicketTransitionError);
  });

  it('people never reopen, escalate or auto-resolve; the system never acknowledges, resolves by hand, closes or assigns', () => {
    const open = opened('minor', 0);
    for (const action of [{ kind: 'auto-resolve' }, { kind: 'escalate', priority: 'critical' }] as TicketAction[]) {
      expect(() => apply(open, action, person, 1)).toThrow(expect.objectContaining({ reason: 'actor' }));
    }
    const resolved = run(open, [[{ kind: 'resolve' }, person, 1]]);
    expect(() => apply(resolved, { kind: 'reopen', priority: 'minor' }, person, 2)).toThrow(expect.objectContaining({ reason: 'actor' }));
    for (const action of [{ kind: 'acknowledge' }, { kind: 'resolve' }, { kind: 'assign', assigneeId: 1 }] as TicketAction[]) {
      expect(() => apply(open, action, system, 1)).toThrow(expect.objectContaining({ reason: 'actor' }));
    }
    expect(() => apply(resolved, { kind: 'close' }, system, 2)).toThrow(expect.objectContaining({ reason: 'actor' }));
  });

  it('auto-resolve marks the resolution automatic', () => {
    const t = apply(opened('critical', 100), { kind: 'auto-resolve' }, system, 700);
    expect(t.ticket).toMatchObject({ state: 'resolved', autoResolved: true, timeToResolveMs: 600 });
    expect(t.ticket.timeToAcknowledgeMs).toBeUndefined();
    expect(t.event.detail.automatic).toBe(true);
  });

  it('a reopen starts a new cycle: acknowledgement and resolution are cleared, durations count from the reopening', () => {
    const resolved = run(opened('minor', 0), [
      [{ kind: 'acknowledge' }, person, 10],
      [{ kind: 'resolve' }, person, 20],
      [{ kind: 'close' }, person, 30],
    ]);
    const reopened = apply(resolved, { kind: 'reopen', priority: 'major' }, system, 1_000);
    expect(reopened.ticket).toEqual({ state: 'open', priority: 'major', openedAtMs: 0, reopenedAtMs: 1_000, reopenCount: 1, autoResolved: false });
    expect(reopened.event).toEqual({ kind: 'reopened', detail: { from: 'closed', to: 'open', priority: 'major', reopen_count: 1 } });
    const again = run(reopened.ticket, [
      [{ kind: 'acknowledge' }, person, 1_250],
      [{ kind: 'resolve' }, person, 2_000],
    ]);
    expect(again).toMatchObject({ timeToAcknowledgeMs: 250, timeToResolveMs: 1_000, reopenCount: 1 });
  });

  it('assigning keeps the state; unassigning drops the assignee', () => {
    const assigned = apply(opened('minor', 0), { kind: 'assign', assigneeId: 42 }, person, 1);
    expect(assigned.ticket).toMatchObject({ state: 'open', assigneeId: 42 });
    expect(assigned.event).toEqual({ kind: 'assigned', detail: { from_assignee: null, to_assignee: 42 } });
    const cleared = apply(assigned.ticket, { kind: 'assign', assigneeId: undefined }, person, 2);
    expect('assigneeId' in cleared.ticket).toBe(false);
    expect(cleared.event.detail).toEqual({ from_assignee: 42, to_assignee: null });
  });

  it('escalation only raises the priority', () => {
    const t = apply(opened('minor', 0), { kind: 'escalate', priority: 'critical' }, system, 1);
    expect(t.ticket.priority).toBe('critical');
    expect(t.event).toEqual({ kind: 'escalated', detail: { from_priority: 'minor', to_priority: 'critical' } });
    expect(() => apply(t.ticket, { kind: 'escalate', priority: 'major' }, system, 2)).toThrow('priority major is not above critical');
  });

  it('clocks that disagree never make a duration negative', () => {
    const t = apply(opened('minor', 5_000), { kind: 'acknowledge' }, person, 4_000);
    expect(t.ticket.timeToAcknowledgeMs).toBe(0);
  });
});
