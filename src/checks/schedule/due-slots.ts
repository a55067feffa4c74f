import { missedBeyondLateness, requireInterval, ScheduleRangeError, slotAtOrBefore, walkExecuteNext, type SlotInterval } from './slots';

/** What becomes of a due slot: its checks run, or each is recorded as missed. */
export type SlotMode = 'run' | 'missed';

export interface DueSlot {
  readonly slotMs: number;
  readonly mode: SlotMode;
}

/** What the scheduler does with an interval at `nowMs`. */
export interface DueSlots {
  /** The interval's new execute_next (unchanged when nothing was due). */
  readonly executeNextMs: number;
  /** Oldest first; the last one is the newest slot at or before now. */
  readonly slots: readonly DueSlot[];
  /** Due slots neither run nor recorded (older than the `maxMissedSlots` recorded as missed). */
  readonly skipped: number;
}

/** The first slot at or after `atMs`. */
function slotAtOrAfter(interval: SlotInterval, atMs: number): number {
  return atMs <= interval.startMs ? interval.startMs : walkExecuteNext(interval, atMs - 1);
}

/**
 * The slots of an interval that are due at `nowMs`, given its stored execute_next (Prophasis's loop):
 * - never run (undefined): execute_next is walked past the present and nothing runs yet;
 * - execute_next in the future: nothing is due;
 * - otherwise only the newest slot at or before now is a candidate to run: it runs when it is at most
 *   maxLatenessMs late, else it is missed. Older due slots were superseded by it (a scheduler was down or
 *   stalled): they are never run late in a burst; the newest `maxMissedSlots` of them are recorded as
 *   missed, any older ones only counted as skipped. execute_next is walked past the present.
 * An execute_next that is not one of the interval's slots (the interval was edited) counts from the first
 * slot at or after it.
 *
 * `lookaheadMs` lets a scheduler claim a slot that far ahead of its time (and start it on a timer), so
 * that the claim's round trips are not part of its lateness: a slot after now and at most lookaheadMs
 * ahead (and less than a period: at most one) is due too, to run. Superseding and lateness are judged at now.
 */
export function dueSlots(
  interval: SlotInterval,
  executeNextMs: number | undefined,
  nowMs: number,
  maxLatenessMs: number,
  maxMissedSlots: number,
  lookaheadMs = 0,
): DueSlots {
  requireInterval(interval);
  if (!Number.isSafeInteger(maxMissedSlots) || maxMissedSlots < 0) throw new ScheduleRangeError(`maxMissedSlots must be a non-negative integer (got ${maxMissedSlots})`);
  if (!Number.isSafeInteger(lookaheadMs) || lookaheadMs < 0) throw new ScheduleRangeError(`lookaheadMs must be a non-negative integer (got ${lookaheadMs})`);
  const horizon = nowMs + Math.min(lookaheadMs, interval.periodMs - 1);
  if (executeNextMs === undefined) return { executeNextMs: walkExecuteNext(interval, nowMs), slots: [], skipped: 0 };
  if (!Number.isSafeInteger(executeNextMs)) throw new ScheduleRangeError(`executeNextMs must be a safe integer (got ${executeNextMs})`);
  if (executeNextMs > horizon) return { executeNextMs, slots: [], skipped: 0 };
  const next = walkExecuteNext(interval, horizon);
  const first = slotAtOrAfter(interval, executeNextMs);
  const slots: DueSlot[] = [];
  let skipped = 0;
  const newest = slotAtOrBefore(interval, nowMs);
  if (newest !== undefined && first <= newest) {
    const older = (newest - first) / interval.periodMs;
    const recorded = Math.min(older, maxMissedSlots);
    for (let k = recorded; k >= 1; k--) slots.push({ slotMs: newest - k * interval.periodMs, mode: 'missed' });
    slots.push({ slotMs: newest, mode: missedBeyondLateness(newest, nowMs, maxLatenessMs) ? 'missed' : 'run' });
    skipped = older - recorded;
  }
  // The one slot after now within the lookahead, claimed ahead of its time.
  const ahead = walkExecuteNext(interval, nowMs);
  if (ahead <= horizon && ahead >= first) slots.push({ slotMs: ahead, mode: 'run' });
  return { executeNextMs: next, slots, skipped };
}
