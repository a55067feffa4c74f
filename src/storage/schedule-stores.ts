/**
 * The check scheduler's storage (issue 14): schedule intervals' execute_next (migration 015), the claims of
 * slots and their progress (migration 016), and what a slot runs, read from the checks model's tables.
 */
import type { DueSlots, SlotMode } from '../checks/schedule/due-slots';
import type { SlotSnapshot } from '../checks/schedule/expand-slot';

/** An interval as the scheduler walks it. */
export interface ScheduleIntervalRow {
  readonly intervalId: number;
  readonly scheduleId: number;
  readonly startMs: number;
  readonly periodMs: number;
  /** Absent: never walked yet. */
  readonly executeNextMs?: number;
  readonly maxLatenessMs: number;
}

/** A slot this process holds: run or record its jobs under `fencingToken`. */
export interface SlotClaim {
  readonly scheduleId: number;
  readonly slotMs: number;
  readonly mode: SlotMode;
  readonly fencingToken: number;
  /** True when this claim was taken over from a holder that stopped renewing it. */
  readonly takenOver: boolean;
}

/** What claiming an interval's due slots did. */
export interface ClaimedSlots {
  readonly claims: readonly SlotClaim[];
  /** The decision taken under the interval's lock (undefined: nothing was due any more). */
  readonly due?: DueSlots;
}

export interface ScheduleStore {
  /** The database's clock, epoch milliseconds. */
  nowMs(): Promise<number>;
  /** Intervals due by the database's now + lookaheadMs (execute_next NULL or at or before it), soonest first, and that now. */
  dueIntervals(limit: number, lookaheadMs: number): Promise<{ nowMs: number; intervals: readonly ScheduleIntervalRow[] }>;
  /**
   * In one transaction: locks the interval, asks `decide` what is due at the database's now, inserts a
   * claim (token 1, held by `holder` for `leaseMs`) for each slot not claimed yet and stores the new
   * execute_next. Another process meeting the same interval waits for the lock and then finds nothing due.
   */
  claimDue(intervalId: number, holder: string, leaseMs: number, decide: (row: ScheduleIntervalRow, nowMs: number) => DueSlots): Promise<ClaimedSlots>;
  /** Unfinished claims whose lease has expired (their holder died or stalled), oldest slot first. */
  expiredClaims(limit: number): Promise<ReadonlyArray<{ readonly scheduleId: number; readonly slotMs: number }>>;
  /** Takes an expired, unfinished claim with the next fencing token; undefined when another process was faster. */
  takeOver(scheduleId: number, slotMs: number, holder: string, leaseMs: number): Promise<SlotClaim | undefined>;
  /** Extends the lease of these claims where `holder` still holds them unfinished; returns how many. */
  renew(holder: string, claims: ReadonlyArray<Pick<SlotClaim, 'scheduleId' | 'slotMs'>>, leaseMs: number): Promise<number>;
  /** The jobs of a slot whose result is recorded, as `checkId:hostId`. */
  recordedJobs(scheduleId: number, slotMs: number): Promise<ReadonlySet<string>>;
  /** Marks the claim done (and forgets its progress) if `fencingToken` still holds it; false otherwise. */
  finish(claim: Pick<SlotClaim, 'scheduleId' | 'slotMs' | 'fencingToken'>): Promise<boolean>;
  /** Ends the lease of an unfinished claim now (after `delayMs`), so that any process takes it over. */
  release(claim: Pick<SlotClaim, 'scheduleId' | 'slotMs' | 'fencingToken'>, delayMs?: number): Promise<void>;
  /** What a slot of the schedule runs now; undefined when the schedule no longer exists. */
  snapshot(scheduleId: number): Promise<SlotSnapshot | undefined>;
  /** Deletes finished claims older than `olderThanMs` and orphaned progress, at most `limit` rows each. */
  purge(olderThanMs: number, limit: number): Promise<number>;
}
