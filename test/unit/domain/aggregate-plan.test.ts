import { parseStep, reduce } from '../../../src/domain/aggregate';
import { ceilUs as ceilTo, floorUs as floorTo, HOUR_US, MINUTE_US } from '../../../lib/contract/timestamp';
import { planPieces, type Piece } from '../../../src/domain/aggregate-plan';
import { retentionHorizonUs } from '../../../src/domain/retention';

const T0 = BigInt(Date.parse('2026-11-01T00:00:00Z')) * 1000n;
const S = 1_000_000n;

/** Every microsecond of the window is in exactly one piece, in order, and each rollup piece is whole granules. */
function expectTiling(pieces: Piece[], fromUs: bigint, toUs: bigint): void {
  expect(pieces[0].fromUs).toBe(fromUs);
  expect(pieces[pieces.length - 1].toUs).toBe(toUs);
  pieces.forEach((piece, i) => {
    expect(piece.fromUs).toBeLessThan(piece.toUs);
    if (i > 0) expect(piece.fromUs).toBe(pieces[i - 1].toUs);
    const width = piece.level === 'hour' ? HOUR_US : piece.level === 'minute' ? MINUTE_US : 1n;
    expect(piece.fromUs % width).toBe(0n);
    expect(piece.toUs % width).toBe(0n);
  });
}

describe('planPieces', () => {
  it('reads whole clean hours from hourly rollups, whole minutes at the edges from minute rollups, the rest raw', () => {
    const from = T0 + 10n * MINUTE_US + 30n * S;
    const to = T0 + 5n * HOUR_US + 2n * MINUTE_US + 15n * S;
    const pieces = planPieces(from, to, HOUR_US, []);
    expectTiling(pieces, from, to);
    expect(pieces).toEqual([
      { level: 'raw', fromUs: from, toUs: T0 + 11n * MINUTE_US },
      { level: 'minute', fromUs: T0 + 11n * MINUTE_US, toUs: T0 + HOUR_US },
      { level: 'hour', fromUs: T0 + HOUR_US, toUs: T0 + 5n * HOUR_US },
      { level: 'minute', fromUs: T0 + 5n * HOUR_US, toUs: T0 + 5n * HOUR_US + 2n * MINUTE_US },
      { level: 'raw', fromUs: T0 + 5n * HOUR_US + 2n * MINUTE_US, toUs: to },
    ]);
  });

  it('reads a stale (marked) minute raw and its hour from the minute rollups', () => {
    const dirty = T0 + 2n * HOUR_US + 7n * MINUTE_US;
    const pieces = planPieces(T0, T0 + 4n * HOUR_US, HOUR_US, [dirty]);
    expectTiling(pieces, T0, T0 + 4n * HOUR_US);
    expect(pieces).toEqual([
      { level: 'hour', fromUs: T0, toUs: T0 + 2n * HOUR_US },
      { level: 'minute', fromUs: T0 + 2n * HOUR_US, toUs: dirty },
      { level: 'raw', fromUs: dirty, toUs: dirty + MINUTE_US },
      { level: 'minute', fromUs: dirty + MINUTE_US, toUs: T0 + 3n * HOUR_US },
      { level: 'hour', fromUs: T0 + 3n * HOUR_US, toUs: T0 + 4n * HOUR_US },
    ]);
  });

  it('uses only levels whose width divides the step', () => {
    expect(planPieces(T0, T0 + 3n * HOUR_US, 5n * MINUTE_US, []).map((p) => p.level)).toEqual(['minute']);
    expect(planPieces(T0, T0 + 3n * HOUR_US, 90n * S, []).map((p) => p.level)).toEqual(['raw']);
    expect(planPieces(T0, T0 + 3n * HOUR_US, 24n * HOUR_US, []).map((p) => p.level)).toEqual(['hour']);
  });

  it('tiles any window exactly, whatever the marks', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const from = T0 + BigInt(random(10_000) * 997) * S;
      const to = from + 1n + BigInt(random(50_000) * 331) * S;
      const dirty = [...new Set(Array.from({ length: random(5) }, () => floorTo(from + BigInt(random(Number(to - from))), MINUTE_US)))].sort((a, b) => (a < b ? -1 : 1));
      expectTiling(planPieces(from, to, [HOUR_US, MINUTE_US, 90n * S, 2n * HOUR_US][random(4)], dirty), from, to);
    }
  });
});

describe('time arithmetic', () => {
  it('floors and ceils negative timestamps too', () => {
    expect(floorTo(-1n, MINUTE_US)).toBe(-MINUTE_US);
    expect(floorTo(-MINUTE_US, MINUTE_US)).toBe(-MINUTE_US);
    expect(ceilTo(-1n, MINUTE_US)).toBe(0n);
    expect(floorTo(T0 + HOUR_US - 1n, HOUR_US)).toBe(T0);
    // Past 2^53 µs, where a double would round.
    expect(floorTo(253_402_300_799_999_999n, MINUTE_US)).toBe(253_402_300_740_000_000n);
    expect(floorTo(-62_167_219_199_999_999n, HOUR_US)).toBe(-62_167_219_200_000_000n);
  });

  it('parses steps and refuses what a pattern cannot', () => {
    expect(parseStep('30s')).toBe(30n * S);
    expect(parseStep('5m')).toBe(5n * MINUTE_US);
    expect(parseStep('1h')).toBe(HOUR_US);
    expect(parseStep('7d')).toBe(7n * 24n * HOUR_US);
    expect(() => parseStep('0h')).toThrow('step');
    expect(() => parseStep('1w')).toThrow('step');
    expect(() => parseStep('400d')).toThrow('366 days');
  });

  it('reduces a partial with each function', () => {
    const partial = { n: 4, sum: 10, min: 1, max: 4, lastTs: 9n, last: 2 };
    expect(['avg', 'min', 'max', 'sum', 'count', 'last'].map((fn) => reduce(partial, fn as never))).toEqual([2.5, 1, 4, 10, 4, 2]);
  });

  it('puts the retention horizon on the hour, and nowhere when retention is off', () => {
    const now = Date.parse('2026-11-10T12:34:56Z');
    expect(retentionHorizonUs(0, now)).toBeUndefined();
    expect(retentionHorizonUs(2, now)).toBe(Date.parse('2026-11-08T12:00:00Z') * 1000);
  });
});
