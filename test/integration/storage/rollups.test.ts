import { AGGREGATE_FNS, HOUR_US, MINUTE_US, reduce, type AggregateFn } from '../../../src/domain/aggregate';
import type { Experiment } from '../../../src/domain/experiment';
import type { Series } from '../../../src/domain/measure';
import { RollupJob } from '../../../src/services/rollup-job';
import { MysqlAggregateReader } from '../../../src/storage/mysql-aggregate-reader';
import { MysqlMeasureReader } from '../../../src/storage/mysql-measure-reader';
import { MysqlRollupMaintainer } from '../../../src/storage/mysql-rollup-maintainer';
import type { MeasureRow } from '../../../src/storage/stores';
import { expectedBuckets, irregularPoints, seededRandom, type Point } from '../../support/aggregates';
import { createStorageFixture, uniqueCode, type StorageFixture } from './storage-fixture';

const T0 = Date.parse('2026-11-01T00:00:00Z') * 1000;
const S = 1_000_000;

/** Windows with unaligned and aligned edges, and steps served by each level (hour, minute, raw only). */
const WINDOWS: Array<[number, number]> = [
  [T0 - 7 * MINUTE_US - 13 * S, T0 + 2 * HOUR_US + 41 * MINUTE_US + 7 * S],
  [T0, T0 + 3 * HOUR_US],
  [T0 + 59 * MINUTE_US + 59 * S, T0 + HOUR_US + S],
];
const STEPS = [30 * S, 90 * S, MINUTE_US, 5 * MINUTE_US, HOUR_US, 2 * HOUR_US, 24 * HOUR_US];

/**
 * Rollups against real MariaDB: aggregates for every function, step and window equal the values the test
 * computes from the points it inserted: right after ingest (all-new batches add their partials to the
 * rollups in their own transaction), after redelivered and duplicate measures (their minutes are marked and
 * read raw until the rollup job recomputes them), after late data, and with ingest running during the job.
 */
describe('rollups and aggregates', () => {
  let f: StorageFixture;
  let aggregates: MysqlAggregateReader;
  let maintainer: MysqlRollupMaintainer;
  let job: RollupJob;
  let experiment: Experiment;
  let series: Series[];
  /** What was stored, by series id: the reference every answer is checked against. */
  const stored = new Map<number, Map<number, Point>>();

  function rows(metric: string, source: string, points: readonly Point[]): MeasureRow[] {
    return points.map((p) => ({
      experimentId: experiment.id,
      experiment: experiment.code,
      metric,
      source,
      unit: null,
      value: p.value,
      timestampUs: BigInt(p.timestampUs),
      tags: {},
    }));
  }

  async function store(metric: string, source: string, points: readonly Point[]): Promise<void> {
    await f.measures.store(rows(metric, source, points));
    series = await new MysqlMeasureReader(f.db).series(experiment);
    const id = (series.find((s) => s.metric === metric && s.source === source) as Series).id;
    const known = stored.get(id) ?? new Map<number, Point>();
    // A (series, timestamp) already stored keeps its first value: the duplicate is ignored.
    for (const p of points) if (!known.has(p.timestampUs)) known.set(p.timestampUs, p);
    stored.set(id, known);
  }

  async function answer(fromUs: number, toUs: number, stepUs: number, fn: AggregateFn) {
    const partials = await aggregates.partials(
      series.map((s) => s.id),
      { fromUs: BigInt(fromUs), toUs: BigInt(toUs), stepUs: BigInt(stepUs), withLast: fn === 'last' },
    );
    // The reference (test/support/aggregates.ts) works in numbers: these windows are far below 2^53 µs.
    return series.map((s) =>
      [...(partials.get(s.id) ?? new Map()).entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([timestampUs, p]) => ({ timestampUs: Number(timestampUs), value: reduce(p, fn), count: p.n })),
    );
  }

  async function expectExact(windows = WINDOWS, steps = STEPS, fns: readonly AggregateFn[] = AGGREGATE_FNS): Promise<void> {
    let points = 0;
    for (const [fromUs, toUs] of windows) {
      for (const stepUs of steps) {
        for (const fn of fns) {
          const got = await answer(fromUs, toUs, stepUs, fn);
          const want = series.map((s) => expectedBuckets([...(stored.get(s.id) ?? new Map()).values()], fromUs, toUs, stepUs, fn));
          expect({ fromUs, toUs, stepUs, fn, got }).toEqual({ fromUs, toUs, stepUs, fn, got: want });
          points += want.flat().length;
        }
      }
    }
    expect(points).toBeGreaterThan(0);
  }

  /** The rollup tables hold exactly what GROUP BY over the raw rows gives: no row counted twice or missed. */
  async function expectRollupsMatchRaw(): Promise<void> {
    for (const [table, width] of [['rollup_minute', MINUTE_US], ['rollup_hour', HOUR_US]] as const) {
      const rollup = await f.rows(`SELECT series_id, bucket_us, n, total, lo, hi, last_ts FROM ${table} ORDER BY series_id, bucket_us`);
      const raw = await f.rows(
        `SELECT series_id, ts_us - MOD(ts_us, ${width}) AS bucket_us, COUNT(*) AS n, SUM(value) AS total, MIN(value) AS lo,
                MAX(value) AS hi, MAX(ts_us) AS last_ts
           FROM measures GROUP BY series_id, bucket_us ORDER BY series_id, bucket_us`,
      );
      expect(rollup.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(raw.map((r) => ({ ...r, n: Number(r.n) })));
    }
  }

  async function marks(): Promise<number> {
    return Number((await f.rows('SELECT COUNT(*) AS n FROM rollup_dirty'))[0]!.n);
  }

  beforeAll(async () => {
    f = await createStorageFixture();
    aggregates = new MysqlAggregateReader(f.db);
    maintainer = new MysqlRollupMaintainer(f.db);
    job = new RollupJob(maintainer, f.config);
    experiment = await f.experiments.insert({ code: uniqueCode(), name: 'rollups' });
    await store('temperature', 'a', irregularPoints(T0 - 10 * MINUTE_US, T0 + 3 * HOUR_US + 10 * MINUTE_US, 8, 1));
    await store('temperature', 'b', irregularPoints(T0 + 17 * MINUTE_US, T0 + 2 * HOUR_US, 20, 2));
    await store('pressure', 'a', irregularPoints(T0 - HOUR_US, T0 + HOUR_US + 30 * S, 3, 3));
  });

  afterAll(() => f.close());

  it('all-new batches are in the rollups as soon as they commit: nothing is marked, every answer is exact', async () => {
    expect(await marks()).toBe(0);
    expect((await f.rows('SELECT * FROM rollup_minute')).length).toBeGreaterThan(300);
    await expectRollupsMatchRaw();
    await expectExact();
  });

  it('the rollup job then has nothing to recompute', async () => {
    expect(await job.catchUp()).toBe(0);
    await expectRollupsMatchRaw();
  });

  it('redelivered and duplicate measures are counted once', async () => {
    const [first] = series;
    const again = [...(stored.get(first!.id) as Map<number, Point>).values()];
    // The same rows again, a changed value at a stored timestamp (a duplicate: the first value stays), twice in one batch.
    const duplicates = [...again.slice(0, 500), ...again.slice(0, 50).map((p) => ({ ...p, value: p.value + 1 })), ...again.slice(100, 120)];
    await store(first!.metric, first!.source as string, duplicates);
    expect(await marks()).toBeGreaterThan(0);
    await expectExact(WINDOWS.slice(0, 1), [MINUTE_US, HOUR_US]);
    await job.catchUp();
    await expectRollupsMatchRaw();
    await expectExact();
  });

  it('late data for an hour already rolled up is exact before and after the job', async () => {
    const late = irregularPoints(T0 + 30 * MINUTE_US + 1, T0 + 50 * MINUTE_US, 30, 4).map((p) => ({ ...p, timestampUs: p.timestampUs + 7 }));
    await store('temperature', 'a', late);
    await store('temperature', 'c', irregularPoints(T0 + HOUR_US, T0 + HOUR_US + 2 * MINUTE_US, 5, 5));
    await expectExact(WINDOWS, [MINUTE_US, HOUR_US], ['avg', 'count', 'last']);
    await job.catchUp();
    expect(await marks()).toBe(0);
    await expectRollupsMatchRaw();
    await expectExact(WINDOWS, [MINUTE_US, HOUR_US, 24 * HOUR_US]);
  });

  it('stays exact when ingest commits while the job runs (several jobs at once, as with several consumers)', async () => {
    const random = seededRandom(9);
    let ingesting = true;
    let marked = 0;
    const ingest = (async () => {
      let previous: Point[] = [];
      for (let batch = 0; batch < 40; batch++) {
        const start = T0 + random(3 * 60) * MINUTE_US + random(60) * S;
        const points = Array.from({ length: 50 }, (_, i) => ({ timestampUs: start + i * 997_003, value: (random(4001) - 2000) / 4 }));
        const metric = ['temperature', 'pressure'][batch % 2]!;
        const source = ['a', 'b'][random(2)]!;
        await store(metric, source, points);
        // Every third batch comes again (a redelivery) with new points: its minutes are marked for the job.
        if (batch % 3 === 2) {
          await store(metric, source, [...points.slice(0, 20), ...previous.slice(0, 5).map((p) => ({ ...p, timestampUs: p.timestampUs + 1 }))]);
          marked++;
        }
        previous = points;
      }
      ingesting = false;
    })();
    const second = new RollupJob(new MysqlRollupMaintainer(f.db), f.config);
    let recomputedDuringIngest = 0;
    const jobs = [job, second].map(async (j) => {
      while (ingesting) recomputedDuringIngest += await j.catchUp();
    });
    await Promise.all([ingest, ...jobs]);
    expect(marked).toBeGreaterThan(0);
    expect(recomputedDuringIngest).toBeGreaterThan(0);
    await job.catchUp();
    expect(await marks()).toBe(0);
    await expectRollupsMatchRaw();
    await expectExact(WINDOWS.slice(0, 2), [MINUTE_US, HOUR_US], ['avg', 'min', 'max', 'last']);
  });

  it('EXPLAIN: the hourly rollups of one series over a window are a range scan of their primary key', async () => {
    const plan = await f.rows<{ table: string; type: string; key: string }>(
      'EXPLAIN SELECT series_id, bucket_us, n, total FROM rollup_hour WHERE series_id IN (?) AND (bucket_us >= ? AND bucket_us < ?)',
      [[series[0]!.id], T0, T0 + 30 * 24 * HOUR_US],
    );
    expect(plan[0]).toMatchObject({ table: 'rollup_hour', type: 'range', key: 'PRIMARY' });
  });
  it('rollups and aggregates keep years 0000 and 9999 exactly, past 2^53 µs, through deltas, marks and the job', async () => {
    const far = await f.experiments.insert({ code: uniqueCode(), name: 'far' });
    const first = -62_167_219_200_000_000n; // 0000-01-01T00:00:00Z
    const last = 253_402_300_799_999_999n; // 9999-12-31T23:59:59.999999Z
    const row = (timestampUs: bigint, value: number): MeasureRow => ({
      experimentId: far.id, experiment: far.code, metric: 'm', source: 's', unit: null, value, timestampUs, tags: {},
    });
    await f.measures.store([row(first, 1), row(first + 1n, 2), row(first + 61_000_000n, 3), row(last - 3_600_000_000n, 4), row(last - 1n, 5), row(last, 6)]);
    // A duplicate in the batch: its minutes are marked, and the job recomputes them from the raw rows.
    await f.measures.store([row(last, 100), row(last - 2n, 7)]);
    await job.catchUp();
    const [s] = await new MysqlMeasureReader(f.db).series(far);
    const hourOf = (us: bigint) => us - (((us % 3_600_000_000n) + 3_600_000_000n) % 3_600_000_000n);
    for (const stepUs of [3_600_000_000n, 60_000_000n, 90_000_000n]) {
      const partials = (await aggregates.partials([s!.id], { fromUs: first, toUs: last + 1n, stepUs, withLast: true })).get(s!.id);
      const buckets = [...(partials ?? new Map()).values()];
      expect(buckets.reduce((n, b) => n + b.n, 0)).toBe(7);
      expect(buckets.reduce((n, b) => n + b.sum, 0)).toBe(28);
      const latest = buckets.reduce((a, b) => (b.lastTs > a.lastTs ? b : a));
      expect([latest.lastTs, latest.last]).toEqual([last, 6]);
    }
    const hours = (await aggregates.partials([s!.id], { fromUs: first, toUs: last + 1n, stepUs: 3_600_000_000n, withLast: true })).get(s!.id);
    expect([...(hours ?? new Map()).entries()]).toEqual([
      [first, { n: 3, sum: 6, min: 1, max: 3, lastTs: first + 61_000_000n, last: 3 }],
      [hourOf(last - 3_600_000_000n), { n: 1, sum: 4, min: 4, max: 4, lastTs: last - 3_600_000_000n, last: 4 }],
      [hourOf(last), { n: 3, sum: 18, min: 5, max: 7, lastTs: last, last: 6 }],
    ]);
  });
});
