import { ceilTo, floorTo, HOUR_US, MINUTE_US, parseStep, reduce } from '../../../src/domain/aggregate';
import { planPieces, type Piece } from '../../../src/domain/aggregate-plan';
import { retentionHorizonUs } from '../../../src/domain/retention';

const T0 = Date.parse('2026-11-01T00:00:00Z') * 1000;
const S = 1_000_000;

/** Every microsecond of the window is in exactly one piece, in order, and each rollup piece is whole granules. */
function expectTiling(pieces: Piece[], fromUs: number, toUs: number): void {
  expect(pieces[0].fromUs).toBe(fromUs);
  expect(pieces[pieces.length - 1].toUs).toBe(toUs);
  pieces.forEach((piece, i) => {
    expect(piece.fromUs).toBeLessThan(piece.toUs);
    if (i > 0) expect(piece.fromUs).toBe(pieces[i - 1].toUs);
    const width = piece.level === 'hour' ? HOUR_US : piece.level === 'minute' ? MINUTE_US : 1;
    expect(piece.fromUs % width).toBe(0);
    expect(piece.toUs % width).toBe(0);
  });
}

describe('planPieces', () => {
  it('reads whole clean hours from hourly rollups, whole minutes at the edges from minute rollups, the rest raw', () => {
    const from = T0 + 10 * MINUTE_US + 30 * S;
    const to = T0 + 5 * HOUR_US + 2 * MINUTE_US + 15 * S;
    const pieces = planPieces(from, to, HOUR_US, []);
    expectTiling(pieces, from, to);
    expect(pieces).toEqual([
      { level: 'raw', fromUs: from, toUs: T0 + 11 * MINUTE_US },
      { level: 'minute', fromUs: T0 + 11 * MINUTE_US, toUs: T0 + HOUR_US },
      { level: 'hour', fromUs: T0 + HOUR_US, toUs: T0 + 5 * HOUR_US },
      { level: 'minute', fromUs: T0 + 5 * HOUR_US, toUs: T0 + 5 * HOUR_US + 2 * MINUTE_US },
      { level: 'raw', fromUs: T0 + 5 * HOUR_US + 2 * MINUTE_US, toUs: to },
    ]);
  });

  it('reads a stale (marked) minute raw and its hour from the minute rollups', () => {
    const dirty = T0 + 2 * HOUR_US + 7 * MINUTE_US;
    const pieces = planPieces(T0, T0 + 4 * HOUR_US, HOUR_US, [dirty]);
    expectTiling(pieces, T0, T0 + 4 * HOUR_US);
    expect(pieces).toEqual([
      { level: 'hour', fromUs: T0, toUs: T0 + 2 * HOUR_US },
      { level: 'minute', fromUs: T0 + 2 * HOUR_US, toUs: dirty },
      { level: 'raw', fromUs: dirty, toUs: dirty + MINUTE_US },
      { level: 'minute', fromUs: dirty + MINUTE_US, toUs: T0 + 3 * HOUR_US },
      { level: 'hour', fromUs: T0 + 3 * HOUR_US, toUs: T0 + 4 * HOUR_US },
    ]);
  });

  it('uses only levels whose width divides the step', () => {
    expect(planPieces(T0, T0 + 3 * HOUR_US, 5 * MINUTE_US, []).map((p) => p.level)).toEqual(['minute']);
    expect(planPieces(T0, T0 + 3 * HOUR_US, 90 * S, []).map((p) => p.level)).toEqual(['raw']);
    expect(planPieces(T0, T0 + 3 * HOUR_US, 24 * HOUR_US, []).map((p) => p.level)).toEqual(['hour']);
  });

  it('tiles any window exactly, whatever the marks', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const from = T0 + random(10_000) * 997 * S;
      const to = from + 1 + random(50_000) * 331 * S;
      const dirty = [...new Set(Array.from({ length: random(5) }, () => floorTo(from + random(to - from), MINUTE_US)))].sort((a, b) => a - b);
      expectTiling(planPieces(from, to, [HOUR_US, MINUTE_US, 90 * S, 2 * HOUR_US][random(4)], dirty), from, to);
    }
  });
});

describe('time arithmetic', () => {
  it('floors and ceils negative timestamps too', () => {
    expect(floorTo(-1, MINUTE_US)).toBe(-MINUTE_US);
    expect(floorTo(-MINUTE_US, MINUTE_US)).toBe(-MINUTE_US);
    expect(ceilTo(-1, MINUTE_US)).toBe(0);
    expect(floorTo(T0 + HOUR_US - 1, HOUR_US)).toBe(T0);
  });

  it('parses steps and refuses what a pattern cannot', () => {
    expect(parseStep('30s')).toBe(30 * S);
    expect(parseStep('5m')).toBe(5 * MINUTE_US);
    expect(parseStep('1h')).toBe(HOUR_US);
    expect(parseStep('7d')).toBe(7 * 24 * HOUR_US);
    expect(() => parseStep('0h')).toThrow('step');
    expect(() => parseStep('1w')).toThrow('step');
    expect(() => parseStep('400d')).toThrow('366 days');
  });

  it('reduces a partial with each function', () => {
    const partial = { n: 4, sum: 10, min: 1, max: 4, lastTs: 9, last: 2 };
    expect(['avg', 'min', 'max', 'sum', 'count', 'last'].map((fn) => reduce(partial, fn as never))).toEqual([2.5, 1, 4, 10, 4, 2]);
  });

  it('puts the retention horizon on the hour, and nowhere when retention is off', () => {
    const now = Date.parse('2026-11-10T12:34:56Z');
    expect(retentionHorizonUs(0, now)).toBeUndefined();
    expect(retentionHorizonUs(2, now)).toBe(Date.parse('2026-11-08T12:00:00Z') * 1000);
  });
});
