import type { Executor } from '../../../src/storage/mysql-database';
import { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlMeasureStore } from '../../../src/storage/mysql-measure-store';
import { ValidationError } from '../../../src/domain/errors';
import type { Experiment } from '../../../src/domain/experiment';
import type { StoredMeasure } from '../../../src/domain/measure';
import type { MeasureRow } from '../../../src/storage/stores';
import { createStorageFixture, measuresOf, seriesOf, uniqueCode, type StorageFixture } from './storage-fixture';

const T0 = 1_700_000_000_123_456n;

describe('MysqlMeasureStore', () => {
  let f: StorageFixture;

  beforeAll(async () => {
    f = await createStorageFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  async function newExperiment(): Promise<Experiment> {
    return f.experiments.insert({ code: uniqueCode(), name: 'measures' });
  }

  function row(experiment: Experiment, overrides: Partial<MeasureRow> = {}): MeasureRow {
    return {
      experimentId: experiment.id,
      experiment: experiment.code,
      metric: 'temperature',
      source: 'probe-1',
      unit: 'C',
      value: 21.5,
      timestampUs: T0,
      tags: {},
      ...overrides,
    };
  }

  async function countMeasures(experiment: Experiment): Promise<number> {
    const rows = await f.rows<{ n: number }>(
      'SELECT COUNT(*) AS n FROM measures m JOIN series s ON s.id = m.series_id WHERE s.experiment_id = ?',
      [experiment.id],
    );
    return Number(rows[0]!.n);
  }

  /** Records every statement the stores send, to check how many a batch costs. */
  /** Every statement sent, and the round trips of bulk transactions (one per `statements` call, plus the COMMIT's). */
  function recordStatements(): { statements: string[]; roundTrips: string[][]; atCommit: string[]; restore: () => void } {
    const statements: string[] = [];
    const roundTrips: string[][] = [];
    const atCommit: string[] = [];
    const original = f.db.executor.bind(f.db);
    const originalStatements = f.db.statements.bind(f.db);
    const originalAtCommit = f.db.atCommit.bind(f.db);
    const statementsSpy = jest.spyOn(f.db, 'statements').mockImplementation((list: readonly string[]) => {
      statements.push(...list);
      roundTrips.push([...list]);
      return originalStatements(list);
    });
    const atCommitSpy = jest.spyOn(f.db, 'atCommit').mockImplementation((sql: string) => {
      statements.push(sql);
      atCommit.push(sql);
      return originalAtCommit(sql);
    });
    const spy = jest.spyOn(f.db, 'executor').mockImplementation((): Executor => {
      const target = original();
      const execute = (target as unknown as { execute(sql: string, values?: unknown[]): Promise<unknown> }).execute;
      return {
        query: ((sql: string, values?: unknown[]) => {
          statements.push(sql);
          return target.query(sql, values);
        }) as Executor['query'],
        // Prepared statements (the binary protocol) count the same as text ones.
        execute: (sql: string, values?: unknown[]) => {
          statements.push(sql);
          return execute.call(target, sql, values);
        },
      } as Executor;
    });
    return {
      statements,
      roundTrips,
      atCommit,
      restore: () => {
        spy.mockRestore();
        statementsSpy.mockRestore();
        atCommitSpy.mockRestore();
      },
    };
  }

  it('stores measures and reads them back exactly: doubles, microseconds, tags, and null source/unit', async () => {
    const experiment = await newExperiment();
    const values = [0.1 + 0.2, Math.PI, -1e-300, 1.7976931348623157e308, 0];
    const rows = values.map((value, i) =>
      row(experiment, { value, timestampUs: T0 + BigInt(i), source: null, unit: null, tags: { site: 'Zürich', rack: '7' } }),
    );

    expect(await f.measures.store(rows)).toEqual({ stored: 5, duplicates: 0 });

    const stored = await measuresOf(f, experiment, { limit: 100 });
    expect(stored.map((m) => m.value)).toEqual(values);
    expect(stored.map((m) => m.timestampUs)).toEqual(values.map((_, i) => T0 + BigInt(i)));
    expect(stored[0]).toMatchObject({ metric: 'temperature', source: null, unit: null, tags: { rack: '7', site: 'Zürich' } });
  });

  it('stores the contract\'s whole time range and reads it back exactly, past 2^53 µs at both ends', async () => {
    const experiment = await newExperiment();
    const times = [-62_167_219_200_000_000n, -9_007_199_254_740_993n, 0n, 9_007_199_254_740_993n, 253_402_300_799_999_999n];
    expect(await f.measures.store(times.map((timestampUs, i) => row(experiment, { timestampUs, value: i })))).toEqual({ stored: 5, duplicates: 0 });
    expect(await f.measures.store([row(experiment, { timestampUs: times[4], value: 9 })])).toEqual({ stored: 0, duplicates: 1 });
    const stored = await measuresOf(f, experiment, { limit: 10 });
    expect(stored.map((m) => m.timestampUs)).toEqual(times);
    const last = await measuresOf(f, experiment, { limit: 10, fromUs: times[3]! + 1n, after: { timestampUs: times[3]!, seriesId: stored[3]!.seriesId } });
    expect(last.map((m) => m.timestampUs)).toEqual([times[4]]);
  });

  it('a redelivered measure is stored once and counted as a duplicate', async () => {
    const experiment = await newExperiment();
    const batch = [row(experiment), row(experiment, { timestampUs: T0 + 1n })];

    expect(await f.measures.store(batch)).toEqual({ stored: 2, duplicates: 0 });
    expect(await f.measures.store(batch)).toEqual({ stored: 0, duplicates: 2 });
    expect(await countMeasures(experiment)).toBe(2);
  });

  it('a partly redelivered batch counts exactly the new rows as stored, and the first value wins', async () => {
    const experiment = await newExperiment();
    await f.measures.store([row(experiment, { timestampUs: T0, value: 1 }), row(experiment, { timestampUs: T0 + 1n, value: 2 })]);

    const result = await f.measures.store([
      row(experiment, { timestampUs: T0 + 1n, value: 99 }),
      row(experiment, { timestampUs: T0 + 2n, value: 3 }),
      row(experiment, { timestampUs: T0 + 3n, value: 4 }),
      row(experiment, { timestampUs: T0 + 3n, value: 4 }),
    ]);

    expect(result).toEqual({ stored: 2, duplicates: 2 });
    expect(await countMeasures(experiment)).toBe(4);
    const values = (await measuresOf(f, experiment, { limit: 10 })).map((m) => m.value);
    expect(values).toEqual([1, 2, 3, 4]);
  });

  it('one series per (metric, source, unit, tags): tag order does not matter, null and empty source are one', async () => {
    const experiment = await newExperiment();
    await f.measures.store([
      row(experiment, { tags: { a: '1', b: '2' }, timestampUs: 1n }),
      row(experiment, { tags: { b: '2', a: '1' }, timestampUs: 2n }),
      row(experiment, { source: null, timestampUs: 3n }),
      row(experiment, { source: '', timestampUs: 4n }),
      row(experiment, { unit: 'K', timestampUs: 5n }),
      row(experiment, { metric: 'pressure', timestampUs: 6n }),
      row(experiment, { tags: { a: '1' }, timestampUs: 7n }),
    ]);

    const series = await seriesOf(f, experiment);

    expect(series).toHaveLength(5);
    const described = series.map((s) => JSON.stringify([s.metric, s.source, s.unit, s.tags])).sort();
    expect(described).toEqual(
      [
        ['temperature', 'probe-1', 'C', { a: '1', b: '2' }],
        ['temperature', null, 'C', {}],
        ['temperature', 'probe-1', 'K', {}],
        ['pressure', 'probe-1', 'C', {}],
        ['temperature', 'probe-1', 'C', { a: '1' }],
      ]
        .map((s) => JSON.stringify(s))
        .sort(),
    );
    expect(series.every((s) => s.experiment === experiment.code)).toBe(true);
    const bySeries = await measuresOf(f, experiment, { limit: 10 });
    expect(bySeries[0]!.seriesId).toBe(bySeries[1]!.seriesId);
    expect(bySeries[2]!.seriesId).toBe(bySeries[3]!.seriesId);
  });

  it('the same series in two experiments are two series', async () => {
    const a = await newExperiment();
    const b = await newExperiment();
    await f.measures.store([row(a), row(b)]);
    const [sa] = await seriesOf(f, a);
    const [sb] = await seriesOf(f, b);
    expect(sa!.id).not.toBe(sb!.id);
    expect(sa!.experiment).toBe(a.code);
    expect(sb!.experiment).toBe(b.code);
  });

  it('a large batch is written in a few multi-row statements, never one per measure, and fully stored', async () => {
    const experiment = await newExperiment();
    const rows = Array.from({ length: 12_001 }, (_, i) =>
      row(experiment, { metric: `m${i % 3}`, timestampUs: T0 + BigInt(Math.floor(i / 3)), value: i }),
    );
    const recorder = recordStatements();
    let result;
    try {
      result = await f.measures.store(rows);
    } finally {
      recorder.restore();
    }

    expect(result).toEqual({ stored: 12_001, duplicates: 0 });
    expect(await countMeasures(experiment)).toBe(12_001);
    const inserts = recorder.statements.filter((sql) => sql.includes('INTO measures'));
    // A few multi-row statements, never one per measure.
    expect(inserts.length).toBeLessThanOrEqual(Math.ceil(12_001 / 1_000));
    // + the lock, the series lookups and inserts, and the two rollup upserts (minutes, hours).
    expect(recorder.statements.length).toBeLessThanOrEqual(inserts.length + 6);
  });

  it('known series cost no series lookup: the second batch is the lock and its INSERT in one round trip, the rollups with the COMMIT', async () => {
    const experiment = await newExperiment();
    await f.measures.store([row(experiment, { timestampUs: 1n }), row(experiment, { metric: 'rh', timestampUs: 1n })]);
    const recorder = recordStatements();
    try {
      await f.measures.store([row(experiment, { timestampUs: 2n }), row(experiment, { metric: 'rh', timestampUs: 2n })]);
    } finally {
      recorder.restore();
    }
    expect(recorder.statements.some((sql) => /FROM series|INTO series/.test(sql))).toBe(false);
    expect(recorder.roundTrips).toHaveLength(1);
    expect(recorder.roundTrips[0]).toHaveLength(2);
    expect(recorder.roundTrips[0]![0]).toMatch(/^SELECT id FROM experiments WHERE id IN \(\d+\) LOCK IN SHARE MODE$/);
    expect(recorder.roundTrips[0]![1]).toMatch(/^INSERT IGNORE INTO measures/);
    // Every row was new: its partials go straight into the rollups, nothing is marked for the rollup job.
    expect(recorder.atCommit).toHaveLength(2);
    expect(recorder.atCommit[0]).toMatch(/^INSERT INTO rollup_minute .* ON DUPLICATE KEY UPDATE/);
    expect(recorder.atCommit[1]).toMatch(/^INSERT INTO rollup_hour .* ON DUPLICATE KEY UPDATE/);
  });

  it('a batch with a duplicate marks its minutes for the rollup job instead of adding to the rollups', async () => {
    const experiment = await newExperiment();
    await f.measures.store([row(experiment, { timestampUs: 5n })]);
    const recorder = recordStatements();
    let result;
    try {
      result = await f.measures.store([row(experiment, { timestampUs: 5n }), row(experiment, { timestampUs: 6n })]);
    } finally {
      recorder.restore();
    }
    expect(result).toEqual({ stored: 1, duplicates: 1 });
    expect(recorder.atCommit).toHaveLength(1);
    expect(recorder.atCommit[0]).toMatch(/^INSERT IGNORE INTO rollup_dirty/);
  });

  it('a series created in a rolled-back transaction is not remembered: later measures still land in a real series', async () => {
    const experiment = await newExperiment();
    const store = new MysqlMeasureStore(f.db);
    await expect(
      f.db.inTransaction(async () => {
        await store.store([row(experiment, { metric: 'rolled-back', timestampUs: 1n })]);
        throw new Error('the audit write failed');
      }),
    ).rejects.toThrow('the audit write failed');
    expect(await seriesOf(f, experiment)).toEqual([]);

    expect(await store.store([row(experiment, { metric: 'rolled-back', timestampUs: 2n })])).toEqual({ stored: 1, duplicates: 0 });

    const stored = await measuresOf(f, experiment, { limit: 10 });
    expect(stored.map((m) => [m.metric, m.timestampUs])).toEqual([['rolled-back', 2n]]);
  });

  it('a batch is stored whole or not at all: one invalid field rolls back the rows before it', async () => {
    const experiment = await newExperiment();
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => row(experiment, { timestampUs: BigInt(i) })),
      row(experiment, { metric: 'x'.repeat(200), timestampUs: 99n }),
    ];
    await expect(f.measures.store(rows)).rejects.toThrow(new ValidationError('metric is longer than storage allows'));
    expect(await countMeasures(experiment)).toBe(0);
    expect(await seriesOf(f, experiment)).toEqual([]);
  });

  it('refuses values and timestamps SQL cannot hold exactly, before writing anything', async () => {
    const experiment = await newExperiment();
    const refused: Array<Partial<MeasureRow>> = [
      { value: NaN },
      { value: Infinity },
      { timestampUs: 1.5 as unknown as bigint },
      { timestampUs: 253_402_300_800_000_000n },
      { timestampUs: -62_167_219_200_000_001n },
    ];
    for (const bad of refused) {
      await expect(f.measures.store([row(experiment), row(experiment, bad)])).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await countMeasures(experiment)).toBe(0);
  });

  it('storing nothing is a no-op', async () => {
    expect(await f.measures.store([])).toEqual({ stored: 0, duplicates: 0 });
  });

  it('two consumers creating the same new series at once end up sharing one series', async () => {
    const experiment = await newExperiment();
    const pools = [new MysqlDatabase(f.config), new MysqlDatabase(f.config), new MysqlDatabase(f.config)];
    try {
      const results = await Promise.all(
        pools.map((db, i) =>
          new MysqlMeasureStore(db).store(
            Array.from({ length: 50 }, (_, j) => row(experiment, { metric: `shared-${j % 5}`, timestampUs: BigInt(j * 10 + i) })),
          ),
        ),
      );
      expect(results).toEqual([
        { stored: 50, duplicates: 0 },
        { stored: 50, duplicates: 0 },
        { stored: 50, duplicates: 0 },
      ]);
    } finally {
      await Promise.all(pools.map((db) => db.close()));
    }
    expect((await seriesOf(f, experiment)).map((s) => s.metric).sort()).toEqual(
      ['shared-0', 'shared-1', 'shared-2', 'shared-3', 'shared-4'],
    );
    expect(await countMeasures(experiment)).toBe(150);
  });

  describe('query', () => {
    let experiment: Experiment;
    let all: StoredMeasure[];

    beforeAll(async () => {
      experiment = await newExperiment();
      const other = await newExperiment();
      const rows: MeasureRow[] = [];
      for (let t = 0; t < 6; t += 1) {
        rows.push(row(experiment, { metric: 'temperature', source: 'a', timestampUs: T0 + BigInt(t * 10), value: t }));
        rows.push(row(experiment, { metric: 'temperature', source: 'b', timestampUs: T0 + BigInt(t * 10), value: 100 + t }));
        rows.push(row(experiment, { metric: 'pressure', source: 'a', timestampUs: T0 + BigInt(t * 10 + 5), value: 200 + t }));
      }
      await f.measures.store(rows);
      await f.measures.store([row(other, { timestampUs: T0 })]);
      all = await measuresOf(f, experiment, { limit: 1000 });
    });

    it('returns only the experiment measures, ordered by (timestamp, series)', () => {
      expect(all).toHaveLength(18);
      const keys = all.map((m) => [m.timestampUs, m.seriesId]);
      const sorted = [...keys].sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : Number(x[1]) - Number(y[1])));
      expect(keys).toEqual(sorted);
    });

    it('filters by metric and by source', async () => {
      const pressure = await measuresOf(f, experiment, { metric: 'pressure', limit: 100 });
      expect(pressure.map((m) => m.value)).toEqual([200, 201, 202, 203, 204, 205]);
      const sourceB = await measuresOf(f, experiment, { source: 'b', limit: 100 });
      expect(sourceB.map((m) => m.value)).toEqual([100, 101, 102, 103, 104, 105]);
      const both = await measuresOf(f, experiment, { metric: 'temperature', source: 'a', limit: 100 });
      expect(both.map((m) => m.value)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await measuresOf(f, experiment, { metric: 'humidity', limit: 100 })).toEqual([]);
    });

    it('the time window includes fromUs and excludes toUs', async () => {
      const window = await measuresOf(f, experiment, { metric: 'temperature', source: 'a', fromUs: T0 + 10n, toUs: T0 + 40n, limit: 100 });
      expect(window.map((m) => m.timestampUs)).toEqual([T0 + 10n, T0 + 20n, T0 + 30n]);
      const open = await measuresOf(f, experiment, { metric: 'pressure', fromUs: T0 + 40n, limit: 100 });
      expect(open.map((m) => m.value)).toEqual([204, 205]);
      const until = await measuresOf(f, experiment, { metric: 'pressure', toUs: T0 + 15n, limit: 100 });
      expect(until.map((m) => m.value)).toEqual([200]);
    });

    it('keyset pages walk every measure once, also across rows that share a timestamp', async () => {
      const seen: StoredMeasure[] = [];
      let after: { timestampUs: bigint; seriesId: number } | undefined;
      for (;;) {
        const page = await measuresOf(f, experiment, { limit: 4, after });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(4);
        seen.push(...page);
        const last = page[page.length - 1];
        after = { timestampUs: last!.timestampUs, seriesId: last!.seriesId };
      }
      expect(seen).toEqual(all);
    });

    it('a page starts strictly after the cursor, between two series of the same timestamp', async () => {
      const tie = all.findIndex((m, i) => i > 0 && m.timestampUs === all[i - 1]!.timestampUs);
      const cursor = all[tie - 1];
      const page = await measuresOf(f, experiment, {
        limit: 2,
        after: { timestampUs: cursor!.timestampUs, seriesId: cursor!.seriesId },
      });
      expect(page).toEqual(all.slice(tie, tie + 2));
    });

    it('cursor, window and filters combine', async () => {
      const first = await measuresOf(f, experiment, { metric: 'temperature', fromUs: T0 + 10n, toUs: T0 + 50n, limit: 3 });
      const last = first[first.length - 1];
      const next = await measuresOf(f, experiment, {
        metric: 'temperature',
        fromUs: T0 + 10n,
        toUs: T0 + 50n,
        limit: 100,
        after: { timestampUs: last!.timestampUs, seriesId: last!.seriesId },
      });
      const expected = all.filter((m) => m.metric === 'temperature' && m.timestampUs >= T0 + 10n && m.timestampUs < T0 + 50n);
      expect([...first, ...next]).toEqual(expected);
      expect(expected).toHaveLength(8);
    });

    it('refuses a limit that is not a non-negative integer as a validation error (a 400, not a 500)', async () => {
      await expect(measuresOf(f, experiment, { limit: 1.5 })).rejects.toThrow(ValidationError);
    });
  });
});
