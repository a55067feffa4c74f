import { ConflictError } from '../../src/domain/errors';
import type { NewTicket, TicketQuery, TicketSnapshot, TicketStore } from '../../src/storage/ticket-stores';
import type { Ticket, TicketComment, TicketEventRecord, TicketLifecycle } from '../../src/tickets/ticket';

/** TicketStore in memory, for the service's unit tests (the SQL is tested over MariaDB). No locks. */
export class InMemoryTicketStore implements TicketStore {
  readonly tickets = new Map<number, Ticket>();
  readonly commentRows: TicketComment[] = [];
  readonly eventRows: TicketEventRecord[] = [];
  /** Called before each insertCurrent: a test makes it throw or insert a rival's ticket. */
  beforeInsert?: (ticket: NewTicket) => void;
  private nextId = 1;

  async currentForGroup(groupKey: string): Promise<Ticket | undefined> {
    return this.current(groupKey);
  }

  async insertCurrent(ticket: NewTicket): Promise<Ticket> {
    this.beforeInsert?.(ticket);
    return this.insertNow(ticket);
  }

  /** insertCurrent at once, without the hook: what a rival instance's committed insert looks like. */
  insertNow(ticket: NewTicket): Ticket {
    if (this.current(ticket.groupKey)) throw new ConflictError('the alert group has a current ticket already');
    const stored: Ticket = {
      ...ticket.lifecycle,
      id: this.nextId++,
      groupKey: ticket.groupKey,
      receiver: ticket.receiver,
      groupLabels: ticket.groupLabels,
      experimentIds: [...ticket.experimentIds].sort((a, b) => a - b),
      experiments: ticket.experimentIds.map((id) => `E${id}`),
      unscoped: ticket.unscoped,
      alerts: ticket.alerts,
      current: true,
      updatedAtMs: ticket.nowMs,
    };
    this.tickets.set(stored.id, stored);
    return stored;
  }

  private current(groupKey: string): Ticket | undefined {
    return [...this.tickets.values()].find((t) => t.current && t.groupKey === groupKey);
  }

  async supersede(id: number): Promise<void> {
    const ticket = this.tickets.get(id);
    if (ticket) this.tickets.set(id, { ...ticket, current: false });
  }

  async update(id: number, lifecycle: TicketLifecycle, snapshot: TicketSnapshot | undefined, nowMs: number): Promise<Ticket> {
    const ticket = this.tickets.get(id);
    if (!ticket) throw new Error(`no ticket ${id}`);
    const experimentIds = [...new Set([...ticket.experimentIds, ...(snapshot?.experimentIds ?? [])])].sort((a, b) => a - b);
    const keep = {
      id,
      groupKey: ticket.groupKey,
      receiver: ticket.receiver,
      groupLabels: ticket.groupLabels,
      current: ticket.current,
      experimentIds,
      experiments: experimentIds.map((e) => `E${e}`),
      unscoped: ticket.unscoped || (snapshot?.unscoped ?? false),
      alerts: snapshot?.alerts ?? ticket.alerts,
      updatedAtMs: nowMs,
    };
    const updated: Ticket = { ...lifecycleOnly(lifecycle), ...keep };
    this.tickets.set(id, updated);
    return updated;
  }

  async get(id: number): Promise<Ticket | undefined> {
    return this.tickets.get(id);
  }

  getForUpdate(id: number): Promise<Ticket | undefined> {
    return this.get(id);
  }

  async list(query: TicketQuery): Promise<Ticket[]> {
    return [...this.tickets.values()]
      .filter((t) => query.beforeId === undefined || t.id < query.beforeId)
      .sort((a, b) => b.id - a.id)
      .slice(0, query.limit);
  }

  async addComment(comment: Omit<TicketComment, 'id'>): Promise<TicketComment> {
    const stored = { id: this.commentRows.length + 1, ...comment };
    this.commentRows.push(stored);
    return stored;
  }

  async comments(ticketId: number): Promise<TicketComment[]> {
    return this.commentRows.filter((c) => c.ticketId === ticketId);
  }

  async addEvent(event: Omit<TicketEventRecord, 'id'>): Promise<TicketEventRecord> {
    const stored = { id: this.eventRows.length + 1, ...event };
    this.eventRows.push(stored);
    return stored;
  }

  async events(ticketId: number): Promise<TicketEventRecord[]> {
    return this.eventRows.filter((e) => e.ticketId === ticketId);
  }
}

/** The lifecycle fields of a ticket-shaped object, so that fields a transition dropped stay dropped. */
function lifecycleOnly(t: TicketLifecycle): TicketLifecycle {
  const keys: Array<keyof TicketLifecycle> = [
    'state',
    'priority',
    'assigneeId',
    'openedAtMs',
    'reopenedAtMs',
    'reopenCount',
    'acknowledgedAtMs',
    'resolvedAtMs',
    'autoResolved',
    'closedAtMs',
    'timeToAcknowledgeMs',
    'timeToResolveMs',
  ];
  return Object.fromEntries(keys.filter((k) => t[k] !== undefined).map((k) => [k, t[k]])) as unknown as TicketLifecycle;
}
