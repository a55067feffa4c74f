import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { EventInput, Value } from '../policies';
import type { Executor, MysqlDatabase } from './mysql-database';

// The shapes of PolicyWindowReader's port (src/services/policies/ports.ts), which storage may not import: the
// class implements the port structurally (the integration test assigns it to the port's type).
interface PolicyWindowQuery {
  readonly policyId: number;
  readonly untilTp: number;
  readonly timePointsFromTs: number | null;
  readonly timePointsBack?: number;
  readonly predicates: readonly { readonly pred: string; readonly mask: readonly (Value | null)[]; readonly fromTs: number | null; readonly back?: number }[];
}

interface StoredTimePoint {
  readonly tp: number;
  readonly ts: number;
  readonly events: readonly EventInput[];
}

interface PolicyWindow {
  readonly timePoints: readonly StoredTimePoint[];
  readonly replayedEvents: number;
  readonly storedEvents: number;
}

/** Where an entry's events start: a stored event is in when its ts >= `ts` and its tp >= `tp`. */
interface Start {
  readonly ts: number;
  readonly tp: number;
}

/** The events of one predicate the query reads, and the entries (constant masks) an event must match one of. */
interface PredicateRead {
  readonly pred: string;
  readonly entries: { readonly mask: readonly (Value | null)[]; readonly start: Start }[];
}

function matches(args: readonly Value[], mask: readonly (Value | null)[]): boolean {
  // An event of another arity (stored under an older signature) is kept: the new monitor refuses it and the change
  // is a 400, as for another type; dropped here, the change was accepted with those events silently left out.
  return mask.length !== args.length || mask.every((m, i) => m === null || m === args[i]);
}

/**
 * The replay's reader over migration 021 (issue 15, "Policy change"). Per predicate, ONE query over
 * policy_events' primary key (policy_id, pred, ts, tp, seq): a range from the earliest start of the predicate's
 * entries up to untilTp; the constant-argument masks and the later starts of the other entries are filtered in
 * code (args is JSON text: comparing it in SQL would make JSON_EXTRACT compare 1 and 1.0 and escaped strings by
 * the server's rules, not the engine's). The time points are one range over policy_time_points' primary key.
 * A bound with `back` > 0 (an unbounded PREVIOUS) is resolved first with two one-row lookups.
 * Equivalent to selectReplay (src/policies/replay.ts) over the stored trace.
 */
@injectable()
export class MysqlPolicyWindowReader {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async read(query: PolicyWindowQuery, connection?: unknown): Promise<PolicyWindow> {
    const executor = isExecutor(connection) ? connection : this.db.executor();
    const { policyId, untilTp } = query;
    const [counted] = await executor.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM policy_events WHERE policy_id = ? AND tp < ?', [policyId, untilTp]);
    const storedEvents = Number(counted[0]?.n ?? 0);
    if (untilTp <= 0) return { timePoints: [], replayedEvents: 0, storedEvents };

    const from = await this.start(executor, policyId, untilTp, query.timePointsFromTs, query.timePointsBack ?? 0);
    const [pointRows] = await executor.query<RowDataPacket[]>(
      'SELECT tp, ts FROM policy_time_points WHERE policy_id = ? AND tp >= ? AND tp < ? ORDER BY tp',
      [policyId, from.tp, untilTp],
    );
    const events = new Map<number, { seq: number; event: EventInput }[]>();
    const timePoints: { tp: number; ts: number }[] = pointRows.map((r) => ({ tp: Number(r.tp), ts: Number(r.ts) }));
    timePoints.forEach((p, i) => {
      if (p.tp !== from.tp + i) throw new Error(`policy ${policyId}: time point ${from.tp + i} is missing from policy_time_points`);
      events.set(p.tp, []);
    });

    const reads = new Map<string, PredicateRead>();
    for (const entry of query.predicates) {
      const own = await this.start(executor, policyId, untilTp, entry.fromTs, entry.back ?? 0);
      const start = { ts: Math.max(own.ts, from.ts), tp: Math.max(own.tp, from.tp) };
      const read = reads.get(entry.pred) ?? { pred: entry.pred, entries: [] };
      read.entries.push({ mask: entry.mask, start });
      reads.set(entry.pred, read);
    }
    let replayedEvents = 0;
    for (const read of reads.values()) {
      const ts = Math.min(...read.entries.map((e) => e.start.ts));
      const tp = Math.min(...read.entries.map((e) => e.start.tp));
      const [rows] = await executor.query<RowDataPacket[]>(
        'SELECT ts, tp, seq, args FROM policy_events WHERE policy_id = ? AND pred = ? AND ts >= ? AND tp >= ? AND tp < ? ORDER BY ts, tp, seq',
        [policyId, read.pred, ts, tp, untilTp],
      );
      for (const row of rows) {
        const at = { ts: Number(row.ts), tp: Number(row.tp) };
        const args = JSON.parse(String(row.args)) as Value[];
        if (!read.entries.some((e) => at.ts >= e.start.ts && at.tp >= e.start.tp && matches(args, e.mask))) continue;
        const list = events.get(at.tp);
        if (list === undefined) throw new Error(`policy ${policyId}: an event of ${read.pred} at time point ${at.tp} has no time point row`);
        list.push({ seq: Number(row.seq), event: { pred: read.pred, args } });
        replayedEvents++;
      }
    }
    const out: StoredTimePoint[] = timePoints.map((p) => ({
      tp: p.tp,
      ts: p.ts,
      events: (events.get(p.tp) ?? []).sort((a, b) => a.seq - b.seq).map((e) => e.event),
    }));
    return { timePoints: out, replayedEvents, storedEvents };
  }

  /**
   * A bound's first time point and its timestamp: time point 0 for null, else `back` before the first time point
   * with a timestamp >= fromTs (untilTp when there is none).
   */
  private async start(executor: Executor, policyId: number, untilTp: number, fromTs: number | null, back: number): Promise<Start> {
    if (fromTs === null) return { ts: 0, tp: 0 };
    if (back === 0) {
      // The timestamp alone says it (timestamps do not decrease along the time points); the tp is the first one's.
      const [rows] = await executor.query<RowDataPacket[]>(
        'SELECT tp FROM policy_time_points WHERE policy_id = ? AND ts >= ? AND tp < ? ORDER BY ts, tp LIMIT 1',
        [policyId, fromTs, untilTp],
      );
      return { ts: fromTs, tp: rows[0] === undefined ? untilTp : Number(rows[0].tp) };
    }
    const [first] = await executor.query<RowDataPacket[]>(
      'SELECT tp FROM policy_time_points WHERE policy_id = ? AND ts >= ? AND tp < ? ORDER BY ts, tp LIMIT 1',
      [policyId, fromTs, untilTp],
    );
    const tp = Math.max(0, (first[0] === undefined ? untilTp : Number(first[0].tp)) - back);
    const [at] = await executor.query<RowDataPacket[]>('SELECT ts FROM policy_time_points WHERE policy_id = ? AND tp = ?', [policyId, tp]);
    return { ts: at[0] === undefined ? 0 : Number(at[0].ts), tp };
  }
}

function isExecutor(connection: unknown): connection is Executor {
  return typeof connection === 'object' && connection !== null && typeof (connection as { query?: unknown }).query === 'function';
}
