import fc from 'fast-check';
import { evalSlotAtOrBefore, groupOffsetMs, nextEvalSlot } from '../../../../src/alerting/state/eval-time';

describe('evaluation slots (Prometheus Group.EvalTimestamp)', () => {
  it('places a group at interval multiples plus its offset', () => {
    expect(evalSlotAtOrBefore(100_000, 15_000, 4_000)).toBe(94_000);
    expect(evalSlotAtOrBefore(94_000, 15_000, 4_000)).toBe(94_000);
    expect(nextEvalSlot(94_000, 15_000, 4_000)).toBe(109_000);
    expect(evalSlotAtOrBefore(3_000, 15_000, 4_000)).toBe(-11_000);
  });

  it('gives a stable offset below the interval', () => {
    expect(groupOffsetMs('exp', 'g', 15_000)).toBe(groupOffsetMs('exp', 'g', 15_000));
    expect(groupOffsetMs('exp', 'g', 15_000)).not.toBe(groupOffsetMs('exp', 'h', 15_000));
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1_000, max: 3_600_000 }), fc.integer({ min: 0, max: 2 ** 45 }), (e, n, interval, now) => {
        const offset = groupOffsetMs(e, n, interval);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(interval);
        const slot = evalSlotAtOrBefore(now, interval, offset);
        expect(slot).toBeLessThanOrEqual(now);
        expect(now - slot).toBeLessThan(interval);
        expect((((slot - offset) % interval) + interval) % interval).toBe(0);
        expect(nextEvalSlot(now, interval, offset)).toBeGreaterThan(now);
      }),
    );
  });
});
