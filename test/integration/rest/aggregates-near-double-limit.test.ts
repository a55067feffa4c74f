import { AGGREGATE_FNS, HOUR_US, MINUTE_US, floorTo, type AggregateFn } from '../../../src/domain/aggregate';
import { isoMicros } from '../../../src/rest/representations';
import { RollupJob } from '../../../src/services/rollup-job';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

const T0 = Date.parse('2026-11-01T00:00:00Z') * 1000;
const S = 1_000_000;
const BIG = 1.7e308;
const iso = (us: number | bigint) => encodeURIComponent(isoMicros(BigInt(us)));

interface Raw {
  source: string;
  timestampUs: number;
  value: number;
}

/**
 * The reference, from the raw rows as GET /measures returns them: the exact sum, or null when no double
 * holds it (no JSON number does); the average from the sum scaled by 2^-64, which cannot overflow.
 */
function expected(rows: readonly Raw[], source: string, fromUs: number, toUs: number, stepUs: number, fn: AggregateFn) {
  const buckets = new Map<number, Raw[]>();
  for (const r of rows) {
    if (r.source !== source || r.timestampUs < fromUs || r.timestampUs >= toUs) continue;
    const start = floorTo(r.timestampUs, stepUs);
    buckets.set(start, [...(buckets.get(start) ?? []), r]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, inBucket]) => {
      const values = inBucket.map((r) => r.value);
      const scaled = values.reduce((a, v) => a + v / 2 ** 64, 0);
      const sum = scaled * 2 ** 64;
      const latest = inBucket.reduce((a, b) => (b.timestampUs > a.timestampUs ? b : a));
      const value = {
        avg: (scaled / values.length) * 2 ** 64,
        min: Math.min(...values),
        max: Math.max(...values),
        sum: Number.isFinite(sum) ? sum : null,
        count: values.length,
        last: latest.value,
      }[fn];
      return { timestamp: isoMicros(BigInt(start)), value, count: values.length };
    });
}

/**
 * Rollups must stay correct or fall back to raw rows: measures near the double limit, published through
 * the real consumer in batches that are all new and in batches holding duplicates, then aggregated over
 * REST for every function, before and after the rollup job, against what the raw rows give.
 */
describe('aggregates of values near the double limit equal what the raw rows give; a sum past the double range is null', () => {
  let p: TestPlatform;
  let admin: string;

  const measure = (source: string, offsetUs: number, value: number) =>
    `{"experiment":"BIG","metric":"m","source":"${source}","value":${value},"timestamp":"${isoMicros(BigInt(T0 + offsetUs))}"}`;
  const message = (...measures: string[]) => `[${measures.join(',')}]`;

  async function rawRows(): Promise<Raw[]> {
    const page = await call(p.baseUrl, 'GET', '/experiments/BIG/measures?limit=10000', { token: admin });
    expect(page.status).toBe(200);
    return page.body.items.map((m: { source: string; timestamp: string; value: number }) => ({
      source: m.source,
      timestampUs: Date.parse(m.timestamp) * 1000 + Number(m.timestamp.slice(23, 26)),
      value: m.value,
    }));
  }

  async function stored(n: number): Promise<void> {
    await eventually(rawRows, (rows) => rows.length === n);
  }

  async function expectAsRawRows(): Promise<void> {
    const rows = await rawRows();
    const sources = [...new Set(rows.map((r) => r.source))].sort();
    const windows: Array<[number, number]> = [
      [T0, T0 + 2 * HOUR_US],
      [T0 + 30 * S, T0 + HOUR_US + 30 * S],
    ];
    for (const [fromUs, toUs] of windows) {
      for (const [step, stepUs] of [['45s', 45 * S], ['1m', MINUTE_US], ['1h', HOUR_US], ['1d', 24 * HOUR_US]] as const) {
        for (const fn of AGGREGATE_FNS) {
          const response = await call(
            p.baseUrl,
            'GET',
            `/experiments/BIG/measures/aggregate?from=${iso(fromUs)}&to=${iso(toUs)}&step=${step}&fn=${fn}`,
            { token: admin },
          );
          expect(response.status).toBe(200);
          const got = Object.fromEntries(response.body.series.map((s: { source: string; points: unknown[] }) => [s.source, s.points]));
          const want = Object.fromEntries(sources.map((source) => [source, expected(rows, source, fromUs, toUs, stepUs, fn)]));
          expect({ fromUs, step, fn, got }).toEqual({ fromUs, step, fn, got: want });
        }
      }
    }
  }

  beforeAll(async () => {
    p = await startPlatform({ consume: true });
    admin = await p.tokenFor(p.admin);
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'BIG', name: 'near the double limit' } });

    // All new, one batch: the minute's and the hour's partial sums overflow while ingest folds them.
    await p.publish(message(measure('two', S, BIG), measure('two', 2 * S, BIG), measure('two', MINUTE_US, 2.5)));
    // Cancelling: the running sum overflows, the total (1.7e308) does not.
    await p.publish(message(measure('cancel', S, BIG), measure('cancel', 2 * S, BIG), measure('cancel', 3 * S, -BIG)));
    // Minutes finite, their hour not.
    await p.publish(message(measure('hour', S, 1e308), measure('hour', 5 * MINUTE_US, 1e308)));
    await p.publish(message(measure('plain', S, 1.5), measure('plain', MINUTE_US, -0.25)));
    await stored(10);
    // All new, but added to a stored rollup row whose total it overflows.
    await p.publish(message(measure('apart', S, BIG)));
    await stored(11);
    await p.publish(message(measure('apart', 2 * S, BIG)));
    // With duplicates: a stored measure again, with a new one that overflows its minute; and one twice in a batch.
    await p.publish(message(measure('dup', S, BIG)));
    await stored(13);
    await p.publish(message(measure('dup', S, BIG), measure('dup', 2 * S, BIG)));
    await p.publish(message(measure('dup', 2 * MINUTE_US, -BIG), measure('dup', 2 * MINUTE_US, -BIG), measure('dup', 3 * MINUTE_US, -BIG)));
    await stored(16);
  });
  afterAll(() => p.stop());

  it('stores every measure: none is rejected', async () => {
    const exceptions = await call(p.baseUrl, 'GET', '/exceptions', { token: admin });
    expect(exceptions.status).toBe(200);
    expect(exceptions.body.items).toEqual([]);
  });

  it('answers every function as the raw rows do, before the rollup job has run', async () => {
    await expectAsRawRows();
  });

  it('and after the rollup job recomputed the minutes the duplicates marked', async () => {
    expect(await p.container.get(RollupJob).catchUp()).toBeGreaterThan(0);
    await expectAsRawRows();
  });

  it('a sum past the double range is null, its average exact', async () => {
    const window = `from=${iso(T0)}&to=${iso(T0 + MINUTE_US)}&step=1m`;
    const sum = await call(p.baseUrl, 'GET', `/experiments/BIG/measures/aggregate?${window}&fn=sum`, { token: admin });
    const avg = await call(p.baseUrl, 'GET', `/experiments/BIG/measures/aggregate?${window}&fn=avg`, { token: admin });
    const of = (body: { series: Array<{ source: string; points: Array<{ value: number | null }> }> }, source: string) =>
      body.series.find((s) => s.source === source)?.points.map((pt) => pt.value);
    expect(of(sum.body, 'two')).toEqual([null]);
    expect(of(avg.body, 'two')).toEqual([BIG]);
    expect(of(sum.body, 'cancel')).toEqual([BIG]);
    expect(of(sum.body, 'apart')).toEqual([null]);
    expect(of(sum.body, 'dup')).toEqual([null]);
    expect(of(sum.body, 'plain')).toEqual([1.5]);
  });
});
