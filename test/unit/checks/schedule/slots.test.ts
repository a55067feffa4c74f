import fc from 'fast-check';
import { dueSlots } from '../../../../src/checks/schedule/due-slots';
import {
  isSlot,
  latenessMs,
  missedBeyondLateness,
  ScheduleRangeError,
  slotAtOrBefore,
  walkExecuteNext,
} from '../../../../src/checks/schedule/slots';

const START = 1_700_000_000_000;
const MINUTE = 60_000;
const interval = { startMs: START, periodMs: MINUTE };

/** Intervals and times whose arithmetic stays well inside 2^53. */
const arbInterval = fc.record({ startMs: fc.integer({ min: -1e12, max: 4e12 }), periodMs: fc.integer({ min: 1, max: 1e10 }) });
const arbTime = fc.integer({ min: -2e12, max: 5e12 });

describe('walkExecuteNext (Prophasis walk_execute_next)', () => {
  it('is the start while the start lies in the future', () => {
    expect(walkExecuteNext(interval, START - 1)).toBe(START);
    expect(walkExecuteNext(interval, START - 10 * MINUTE)).toBe(START);
  });

  it('is the first slot strictly after now: a slot exactly now has passed', () => {
    expect(walkExecuteNext(interval, START)).toBe(START + MINUTE);
    expect(walkExecuteNext(interval, START + 1)).toBe(START + MINUTE);
    expect(walkExecuteNext(interval, START + MINUTE - 1)).toBe(START + MINUTE);
    expect(walkExecuteNext(interval, START + MINUTE)).toBe(START + 2 * MINUTE);
  });

  it('fast-forwards over any number of passed slots in one step', () => {
    expect(walkExecuteNext(interval, START + 1_000_000 * MINUTE + 5)).toBe(START + 1_000_001 * MINUTE);
  });

  it('property: a slot, after now, and no slot lies between now and it', () => {
    fc.assert(
      fc.property(arbInterval, arbTime, (iv, now) => {
        const next = walkExecuteNext(iv, now);
        expect(next).toBeGreaterThan(now);
        expect(isSlot(iv, next)).toBe(true);
        if (next > iv.startMs) expect(next - iv.periodMs).toBeLessThanOrEqual(now);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the same as walking one period at a time (the thesis algorithm), for short walks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -50_000, max: 50_000 }), (periodMs, offset) => {
        const iv = { startMs: 10_000, periodMs };
        const now = 10_000 + offset;
        let next = iv.startMs;
        while (next <= now) next += periodMs;
        expect(walkExecuteNext(iv, now)).toBe(next);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a period that is zero, negative, fractional, NaN or infinite, and times past 2^53', () => {
    for (const periodMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => walkExecuteNext({ startMs: 0, periodMs }, 5)).toThrow(ScheduleRangeError);
    }
    expect(() => walkExecuteNext({ startMs: 2 ** 53, periodMs: 1 }, 5)).toThrow(ScheduleRangeError);
    expect(() => walkExecuteNext(interval, Number.NaN)).toThrow(ScheduleRangeError);
    expect(() => walkExecuteNext(interval, 1e300)).toThrow(ScheduleRangeError);
  });

  it('refuses a next slot past 2^53 instead of returning an inexact number', () => {
    const iv = { startMs: 0, periodMs: 2 ** 52 };
    expect(walkExecuteNext(iv, 2 ** 52 - 1)).toBe(2 ** 52);
    expect(() => walkExecuteNext(iv, 2 ** 52)).toThrow(/past 2\^53/);
  });
});

describe('slotAtOrBefore, isSlot, lateness', () => {
  it('the last slot at or before now; none before the start', () => {
    expect(slotAtOrBefore(interval, START - 1)).toBeUndefined();
    expect(slotAtOrBefore(interval, START)).toBe(START);
    expect(slotAtOrBefore(interval, START + MINUTE - 1)).toBe(START);
    expect(slotAtOrBefore(interval, START + MINUTE)).toBe(START + MINUTE);
  });

  it('property: slotAtOrBefore and walkExecuteNext are one period apart after the start', () => {
    fc.assert(
      fc.property(arbInterval, arbTime, (iv, now) => {
        const before = slotAtOrBefore(iv, now);
        if (now < iv.startMs) expect(before).toBeUndefined();
        else expect(walkExecuteNext(iv, now) - before!).toBe(iv.periodMs);
      }),
      { numRuns: 2000 },
    );
  });

  it('isSlot holds for start + k * period only, k >= 0', () => {
    expect(isSlot(interval, START)).toBe(true);
    expect(isSlot(interval, START + 7 * MINUTE)).toBe(true);
    expect(isSlot(interval, START + 7 * MINUTE + 1)).toBe(false);
    expect(isSlot(interval, START - MINUTE)).toBe(false);
  });

  it('lateness is never negative; a start exactly at the maximum lateness still runs', () => {
    expect(latenessMs(START, START - 5)).toBe(0);
    expect(latenessMs(START, START + 250)).toBe(250);
    expect(missedBeyondLateness(START, START + 1_000, 1_000)).toBe(false);
    expect(missedBeyondLateness(START, START + 1_001, 1_000)).toBe(true);
    expect(missedBeyondLateness(START, START + 1, 0)).toBe(true);
    expect(() => missedBeyondLateness(START, START, -1)).toThrow(ScheduleRangeError);
    expect(() => missedBeyondLateness(START, START, Number.NaN)).toThrow(ScheduleRangeError);
  });
});

describe('dueSlots (the scheduler loop)', () => {
  it('a schedule that never ran is walked past the present and runs nothing yet', () => {
    expect(dueSlots(interval, undefined, START + 90_000, 5_000, 10)).toEqual({ executeNextMs: START + 2 * MINUTE, slots: [], skipped: 0 });
  });

  it('nothing is due while execute_next lies in the future', () => {
    expect(dueSlots(interval, START + MINUTE, START + 59_999, 5_000, 10)).toEqual({ executeNextMs: START + MINUTE, slots: [], skipped: 0 });
  });

  it('the due slot runs when it is at most the maximum lateness late; execute_next moves to the next slot', () => {
    expect(dueSlots(interval, START, START + 5_000, 5_000, 10)).toEqual({ executeNextMs: START + MINUTE, slots: [{ slotMs: START, mode: 'run' }], skipped: 0 });
  });

  it('a slot reached beyond the maximum lateness is missed, not run', () => {
    expect(dueSlots(interval, START, START + 5_001, 5_000, 10)).toEqual({ executeNextMs: START + MINUTE, slots: [{ slotMs: START, mode: 'missed' }], skipped: 0 });
  });

  it('after an outage only the newest slot may run; older ones are missed (never replayed), beyond the cap only counted', () => {
    const due = dueSlots(interval, START, START + 25 * MINUTE + 1_000, 5_000, 3);
    expect(due.executeNextMs).toBe(START + 26 * MINUTE);
    expect(due.slots).toEqual([
      { slotMs: START + 22 * MINUTE, mode: 'missed' },
      { slotMs: START + 23 * MINUTE, mode: 'missed' },
      { slotMs: START + 24 * MINUTE, mode: 'missed' },
      { slotMs: START + 25 * MINUTE, mode: 'run' },
    ]);
    expect(due.skipped).toBe(22);
  });

  it('an execute_next off the interval (edited since) counts from the first slot at or after it', () => {
    expect(dueSlots(interval, START + 30_000, START + MINUTE + 10, 5_000, 10).slots).toEqual([{ slotMs: START + MINUTE, mode: 'run' }]);
    expect(dueSlots(interval, START + 30_000, START + 50_000, 5_000, 10)).toEqual({ executeNextMs: START + MINUTE, slots: [], skipped: 0 });
    expect(dueSlots(interval, START - 5 * MINUTE, START + 10, 5_000, 10).slots).toEqual([{ slotMs: START, mode: 'run' }]);
  });

  it('property: every due slot between execute_next and now is accounted for once, at most one runs, it is the newest', () => {
    fc.assert(
      fc.property(
        fc.record({ startMs: fc.integer({ min: 0, max: 1e6 }), periodMs: fc.integer({ min: 50, max: 10_000 }) }),
        fc.integer({ min: 0, max: 2e6 }),
        fc.integer({ min: 0, max: 2e6 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 50 }),
        (iv, executeNext, now, maxLateness, cap) => {
          const due = dueSlots(iv, executeNext, now, maxLateness, cap);
          // The slots a loop walking one period at a time would have passed.
          const passed: number[] = [];
          if (executeNext <= now) for (let s = iv.startMs; s <= now; s += iv.periodMs) if (s >= executeNext) passed.push(s);
          expect(due.slots.length + due.skipped).toBe(passed.length);
          expect(due.slots.map((s) => s.slotMs)).toEqual(passed.slice(passed.length - due.slots.length));
          expect(due.slots.filter((s) => s.mode === 'run').length).toBeLessThanOrEqual(1);
          due.slots.slice(0, -1).forEach((s) => expect(s.mode).toBe('missed'));
          const newest = due.slots.at(-1);
          if (newest) expect(newest.mode).toBe(now - newest.slotMs <= maxLateness ? 'run' : 'missed');
          expect(due.slots.length).toBeLessThanOrEqual(cap + 1);
          expect(due.executeNextMs).toBe(executeNext > now ? executeNext : walkExecuteNext(iv, now));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('with a lookahead, a slot is due that long before its time; lateness is still judged at now', () => {
    expect(dueSlots(interval, START + MINUTE, START + MINUTE - 1_000, 5_000, 10, 1_000)).toEqual({
      executeNextMs: START + 2 * MINUTE,
      slots: [{ slotMs: START + MINUTE, mode: 'run' }],
      skipped: 0,
    });
    expect(dueSlots(interval, START + MINUTE, START + MINUTE - 1_001, 5_000, 10, 1_000).slots).toEqual([]);
    // Late by 5,001 ms at now, whatever the lookahead.
    expect(dueSlots(interval, START, START + 5_001, 5_000, 10, 1_000).slots).toEqual([{ slotMs: START, mode: 'missed' }]);
    // A schedule never run is walked from now, not from the horizon: its next slot is not skipped.
    expect(dueSlots(interval, undefined, START + MINUTE - 500, 5_000, 10, 1_000).executeNextMs).toBe(START + MINUTE);
    expect(() => dueSlots(interval, START, START, 0, 1, -1)).toThrow(ScheduleRangeError);
  });

  it('a lookahead longer than the period claims one slot ahead; the slot due now still runs (not superseded by it)', () => {
    const second = { startMs: START, periodMs: 1_000 };
    expect(dueSlots(second, START, START + 10, 5_000, 10, 1_000).slots).toEqual([
      { slotMs: START, mode: 'run' },
      { slotMs: START + 1_000, mode: 'run' },
    ]);
    expect(dueSlots(second, START + 1_000, START + 10, 5_000, 10, 1_000).slots).toEqual([{ slotMs: START + 1_000, mode: 'run' }]);
    // Less than a period ahead: the next slot is not yet due at the slot before it.
    expect(dueSlots(second, START + 1_000, START, 5_000, 10, 1_000)).toEqual({ executeNextMs: START + 1_000, slots: [], skipped: 0 });
  });

  it('property: with a lookahead, the slots at or before now are as without one, plus at most one slot ahead within it', () => {
    fc.assert(
      fc.property(
        fc.record({ startMs: fc.integer({ min: 0, max: 1e6 }), periodMs: fc.integer({ min: 1, max: 10_000 }) }),
        fc.integer({ min: 0, max: 2e6 }),
        fc.integer({ min: 0, max: 2e6 }),
        fc.integer({ min: 0, max: 5_000 }),
        (iv, executeNext, now, lookahead) => {
          const plain = dueSlots(iv, executeNext, now, 1_000, 5);
          const ahead = dueSlots(iv, executeNext, now, 1_000, 5, lookahead);
          const past = ahead.slots.filter((s) => s.slotMs <= now);
          const future = ahead.slots.filter((s) => s.slotMs > now);
          expect(past).toEqual(plain.slots);
          expect(future.length).toBeLessThanOrEqual(1);
          for (const slot of future) {
            expect(slot).toEqual({ slotMs: walkExecuteNext(iv, now), mode: 'run' });
            expect(slot.slotMs - now).toBeLessThanOrEqual(lookahead);
            expect(ahead.executeNextMs).toBeGreaterThan(slot.slotMs);
          }
          if (ahead.slots.length > 0) expect(ahead.executeNextMs).toBeGreaterThan(ahead.slots.at(-1)!.slotMs);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('refuses a negative or fractional cap and a non-integer execute_next', () => {
    expect(() => dueSlots(interval, START, START, 0, -1)).toThrow(ScheduleRangeError);
    expect(() => dueSlots(interval, START, START, 0, 1.5)).toThrow(ScheduleRangeError);
    expect(() => dueSlots(interval, 1.5, START, 0, 1)).toThrow(ScheduleRangeError);
  });
});
