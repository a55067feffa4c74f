import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { Ticket, TicketAlert, TicketComment, TicketEventKind, TicketEventRecord, TicketLifecycle, TicketPriority, TicketState } from '../tickets/ticket';
import { labelsFromJson, labelsToJson } from './alert-codec';
import type { MysqlDatabase } from './mysql-database';
import { translatingErrors } from './mysql-errors';
import type { NewTicket, TicketQuery, TicketSnapshot, TicketStore } from './ticket-stores';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const optionalNumber = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));

/** Alerts as stored: [fingerprint, status, startsAtMs, endsAtMs, [[name, value]...]] each. */
function alertsToJson(alerts: readonly TicketAlert[]): string {
  return JSON.stringify(alerts.map((a) => [a.fingerprint, a.status, a.startsAtMs, a.endsAtMs, [...a.labels]]));
}

function alertsFromJson(text: string): TicketAlert[] {
  const items = JSON.parse(text) as unknown;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown) => {
    if (!Array.isArray(item) || item.length < 5) return [];
    const [fingerprint, status, startsAtMs, endsAtMs, labels] = item as [unknown, unknown, unknown, unknown, unknown];
    return [
      {
        fingerprint: String(fingerprint),
        status: status === 'resolved' ? 'resolved' : 'firing',
        startsAtMs: Number(startsAtMs),
        endsAtMs: Number(endsAtMs),
        labels: labelsFromJson(JSON.stringify(labels)),
      } satisfies TicketAlert,
    ];
  });
}

function lifecycleColumns(t: TicketLifecycle): unknown[] {
  return [
    t.state,
    t.priority,
    t.assigneeId ?? null,
    t.openedAtMs,
    t.reopenedAtMs ?? null,
    t.reopenCount,
    t.acknowledgedAtMs ?? null,
    t.resolvedAtMs ?? null,
    t.autoResolved,
    t.closedAtMs ?? null,
    t.timeToAcknowledgeMs ?? null,
    t.timeToResolveMs ?? null,
  ];
}
const LIFECYCLE_COLUMNS = [
  'state',
  'priority',
  'assignee_id',
  'opened_at_ms',
  'reopened_at_ms',
  'reopen_count',
  'acknowledged_at_ms',
  'resolved_at_ms',
  'auto_resolved',
  'closed_at_ms',
  'time_to_acknowledge_ms',
  'time_to_resolve_ms',
];

function ticketOf(row: RowDataPacket, experiments: ReadonlyArray<{ id: number; code?: string }>): Ticket {
  const optional = {
    assigneeId: optionalNumber(row.assignee_id),
    reopenedAtMs: optionalNumber(row.reopened_at_ms),
    acknowledgedAtMs: optionalNumber(row.acknowledged_at_ms),
    resolvedAtMs: optionalNumber(row.resolved_at_ms),
    closedAtMs: optionalNumber(row.closed_at_ms),
    timeToAcknowledgeMs: optionalNumber(row.time_to_acknowledge_ms),
    timeToResolveMs: optionalNumber(row.time_to_resolve_ms),
  };
  return {
    id: Number(row.id),
    groupKey: String(row.group_key),
    receiver: String(row.receiver),
    groupLabels: labelsFromJson(String(row.group_labels)),
    experimentIds: experiments.map((e) => e.id),
    experiments: experiments.flatMap((e) => (e.code === undefined ? [] : [e.code])),
    unscoped: Boolean(row.unscoped),
    alerts: alertsFromJson(String(row.alerts)),
    current: row.current_key !== null,
    updatedAtMs: Number(row.updated_at_ms),
    state: row.state as TicketState,
    priority: row.priority as TicketPriority,
    openedAtMs: Number(row.opened_at_ms),
    reopenCount: Number(row.reopen_count),
    autoResolved: Boolean(row.auto_resolved),
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<Ticket>),
  };
}

/** MysqlTicketStore keeps tickets, their experiments, comments and events (migration 014). */
@injectable()
export class MysqlTicketStore implements TicketStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async currentForGroup(groupKey: string): Promise<Ticket | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT * FROM tickets WHERE current_key = ?${this.lock()}`, [sha256(groupKey)]);
    return (await this.withExperiments(rows))[0];
  }

  async insertCurrent(ticket: NewTicket): Promise<Ticket> {
    const key = sha256(ticket.groupKey);
    const columns = ['group_key', 'group_key_sha256', 'current_key', 'receiver', 'group_labels', 'alerts', 'unscoped', 'updated_at_ms', ...LIFECYCLE_COLUMNS];
    const values = [
      ticket.groupKey,
      key,
      key,
      ticket.receiver,
      labelsToJson(ticket.groupLabels),
      alertsToJson(ticket.alerts),
      ticket.unscoped,
      ticket.nowMs,
      ...lifecycleColumns(ticket.lifecycle),
    ];
    const [result] = await translatingErrors(
      () => this.db.executor().query<ResultSetHeader>(`INSERT INTO tickets (${columns.join(', ')}) VALUES (?)`, [values]),
      { uq_tickets_current: 'the alert group has a current ticket already' },
    );
    await this.addExperiments(result.insertId, ticket.experimentIds);
    return this.required(result.insertId);
  }

  async supersede(id: number): Promise<void> {
    await this.db.executor().query('UPDATE tickets SET current_key = NULL WHERE id = ?', [id]);
  }

  async update(id: number, lifecycle: TicketLifecycle, snapshot: TicketSnapshot | undefined, nowMs: number): Promise<Ticket> {
    const sets = [...LIFECYCLE_COLUMNS.map((c) => `${c} = ?`), 'updated_at_ms = ?'];
    const values: unknown[] = [...lifecycleColumns(lifecycle), nowMs];
    if (snapshot) {
      sets.push('alerts = ?', 'unscoped = unscoped OR ?');
      values.push(alertsToJson(snapshot.alerts), snapshot.unscoped);
    }
    await this.db.executor().query(`UPDATE tickets SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
    if (snapshot) await this.addExperiments(id, snapshot.experimentIds);
    return this.required(id);
  }

  async get(id: number): Promise<Ticket | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM tickets WHERE id = ?', [id]);
    return (await this.withExperiments(rows))[0];
  }

  async getForUpdate(id: number): Promise<Ticket | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT * FROM tickets WHERE id = ?${this.lock()}`, [id]);
    return (await this.withExperiments(rows))[0];
  }

  async list(query: TicketQuery): Promise<Ticket[]> {
    if (!Number.isSafeInteger(query.limit) || query.limit < 0) throw new Error(`limit must be a non-negative integer, got ${query.limit}`);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.scope.kind === 'experiments') {
      if (query.scope.experimentIds.length === 0) return [];
      // Every experiment of the ticket is in scope, and it has one at least.
      where.push(
        't.unscoped = 0',
        'EXISTS (SELECT 1 FROM ticket_experiments x WHERE x.ticket_id = t.id)',
        'NOT EXISTS (SELECT 1 FROM ticket_experiments y WHERE y.ticket_id = t.id AND y.experiment_id NOT IN (?))',
      );
      params.push(query.scope.experimentIds);
    }
    const filters: Array<[unknown, string]> = [
      [query.state, 't.state = ?'],
      [query.priority, 't.priority = ?'],
      [query.assigneeId, 't.assignee_id = ?'],
      [query.experimentId, 't.id IN (SELECT ticket_id FROM ticket_experiments WHERE experiment_id = ?)'],
      [query.beforeId, 't.id < ?'],
    ];
    for (const [value, condition] of filters) {
      if (value === undefined) continue;
      where.push(condition);
      params.push(value);
    }
    params.push(query.limit);
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT t.* FROM tickets t ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.id DESC LIMIT ?`, params);
    return this.withExperiments(rows);
  }

  async addComment(comment: Omit<TicketComment, 'id'>): Promise<TicketComment> {
    const [result] = await translatingErrors(() =>
      this.db
        .executor()
        .query<ResultSetHeader>('INSERT INTO ticket_comments (ticket_id, author_id, body, at_ms) VALUES (?, ?, ?, ?)', [
          comment.ticketId,
          comment.authorId,
          comment.body,
          comment.atMs,
        ]),
    );
    return { id: result.insertId, ...comment };
  }

  async comments(ticketId: number): Promise<TicketComment[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM ticket_comments WHERE ticket_id = ? ORDER BY id', [ticketId]);
    return rows.map((row) => ({
      id: Number(row.id),
      ticketId: Number(row.ticket_id),
      authorId: Number(row.author_id),
      body: String(row.body),
      atMs: Number(row.at_ms),
    }));
  }

  async addEvent(event: Omit<TicketEventRecord, 'id'>): Promise<TicketEventRecord> {
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>('INSERT INTO ticket_events (ticket_id, kind, actor_id, at_ms, detail) VALUES (?, ?, ?, ?, ?)', [
        event.ticketId,
        event.kind,
        event.actorId ?? null,
        event.atMs,
        JSON.stringify(event.detail),
      ]);
    return { id: result.insertId, ...event };
  }

  async events(ticketId: number): Promise<TicketEventRecord[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id', [ticketId]);
    return rows.map((row) => {
      const actorId = optionalNumber(row.actor_id);
      const detail = JSON.parse(String(row.detail)) as Record<string, string | number | boolean | null>;
      return {
        id: Number(row.id),
        ticketId: Number(row.ticket_id),
        kind: row.kind as TicketEventKind,
        ...(actorId === undefined ? {} : { actorId }),
        atMs: Number(row.at_ms),
        detail,
      };
    });
  }

  /** FOR UPDATE holds its lock only inside a transaction; outside one it would be released at once anyway. */
  private lock(): string {
    return this.db.inTransactionScope() ? ' FOR UPDATE' : '';
  }

  private async required(id: number): Promise<Ticket> {
    const ticket = await this.get(id);
    if (!ticket) throw new Error(`ticket ${id} vanished inside its own transaction`);
    return ticket;
  }

  private async addExperiments(ticketId: number, experimentIds: readonly number[]): Promise<void> {
    if (experimentIds.length === 0) return;
    await this.db
      .executor()
      .query('INSERT IGNORE INTO ticket_experiments (ticket_id, experiment_id) VALUES ?', [experimentIds.map((e) => [ticketId, e])]);
  }

  /** Tickets of `rows` with their experiments (ids ascending, codes of those that still exist), in one query. */
  private async withExperiments(rows: RowDataPacket[]): Promise<Ticket[]> {
    if (rows.length === 0) return [];
    const [links] = await this.db
      .executor()
      .query<RowDataPacket[]>(
        'SELECT x.ticket_id, x.experiment_id, e.code FROM ticket_experiments x LEFT JOIN experiments e ON e.id = x.experiment_id WHERE x.ticket_id IN (?) ORDER BY x.ticket_id, x.experiment_id',
        [rows.map((r) => Number(r.id))],
      );
    const byTicket = new Map<number, Array<{ id: number; code?: string }>>();
    for (const link of links) {
      const list = byTicket.get(Number(link.ticket_id)) ?? [];
      list.push({ id: Number(link.experiment_id), ...(link.code === null ? {} : { code: String(link.code) }) });
      byTicket.set(Number(link.ticket_id), list);
    }
    return rows.map((row) => ticketOf(row, byTicket.get(Number(row.id)) ?? []));
  }
}
