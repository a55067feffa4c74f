/**
 * Prophasis's schedule arithmetic (its `walk_execute_next`), pure: an interval's slots are
 * startMs + k * periodMs (k >= 0), all times integer milliseconds since the epoch.
 */

/** An interval's arithmetic: its first slot and its period. */
export interface SlotInterval {
  readonly startMs: number;
  readonly periodMs: number;
}

/** A schedule's arithmetic or its inputs is out of range: a non-integer, non-positive period, or a time past 2^53. */
export class ScheduleRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleRangeError';
  }
}

function requireTime(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new ScheduleRangeError(`${name} must be an integer number of milliseconds within ±2^53 (got ${value})`);
}

/** Throws ScheduleRangeError unless the interval's start is a safe integer and its period a positive safe integer. */
export function requireInterval(interval: SlotInterval): void {
  requireTime('startMs', interval.startMs);
  requireTime('periodMs', interval.periodMs);
  if (interval.periodMs <= 0) throw new ScheduleRangeError(`periodMs must be positive (got ${interval.periodMs})`);
}

function slot(interval: SlotInterval, k: number): number {
  const at = interval.startMs + k * interval.periodMs;
  if (!Number.isSafeInteger(at)) throw new ScheduleRangeError(`slot ${k} of the interval lies past 2^53 ms`);
  return at;
}

/**
 * The first slot strictly after `nowMs` (Prophasis's walk_execute_next: fast-forwarded past the present, so a
 * slot that passed is skipped, never run late in a burst). The interval's start when it lies in the future.
 */
export function walkExecuteNext(interval: SlotInterval, nowMs: number): number {
  requireInterval(interval);
  requireTime('nowMs', nowMs);
  if (nowMs < interval.startMs) return interval.startMs;
  return slot(interval, Math.floor((nowMs - interval.startMs) / interval.periodMs) + 1);
}

/** The last slot at or before `nowMs`; undefined before the interval's start. */
export function slotAtOrBefore(interval: SlotInterval, nowMs: number): number | undefined {
  requireInterval(interval);
  requireTime('nowMs', nowMs);
  if (nowMs < interval.startMs) return undefined;
  return slot(interval, Math.floor((nowMs - interval.startMs) / interval.periodMs));
}

/** Whether `atMs` is one of the interval's slots. */
export function isSlot(interval: SlotInterval, atMs: number): boolean {
  requireInterval(interval);
  requireTime('atMs', atMs);
  return atMs >= interval.startMs && (atMs - interval.startMs) % interval.periodMs === 0;
}

/** How late a start at `startedMs` is for `slotMs` (0 when early). */
export function latenessMs(slotMs: number, startedMs: number): number {
  requireTime('slotMs', slotMs);
  requireTime('startedMs', startedMs);
  return Math.max(0, startedMs - slotMs);
}

/** Prophasis's rule: a slot started more than the maximum lateness after its time is missed (exactly at it: still run). */
export function missedBeyondLateness(slotMs: number, startedMs: number, maxLatenessMs: number): boolean {
  requireTime('maxLatenessMs', maxLatenessMs);
  if (maxLatenessMs < 0) throw new ScheduleRangeError(`maxLatenessMs must not be negative (got ${maxLatenessMs})`);
  return latenessMs(slotMs, startedMs) > maxLatenessMs;
}
