import { ValidationError } from '../../../src/domain/errors';
import type { Experiment } from '../../../src/domain/experiment';
import type { Series, StoredMeasure } from '../../../src/domain/measure';
import { MysqlMeasureReader } from '../../../src/storage/mysql-measure-reader';
import type { MeasureRow, MeasureWindow } from '../../../src/storage/stores';
import { createStorageFixture, insertUser, uniqueCode, type StorageFixture } from './storage-fixture';

const T0 = 1_700_000_000_123_456n;

/**
 * Range reads against real MariaDB. Every answer is compared with what the test computes from the rows it
 * inserted; each of the reader's three statement shapes (one series, a UNION of a few, an IN list of many)
 * is exercised, and EXPLAIN shows each series' part is a range scan of the primary key.
 */
describe('MysqlMeasureReader', () => {
  let f: StorageFixture;
  let reader: MysqlMeasureReader;
  let experiment: Experiment;
  let series: Series[];
  let all: StoredMeasure[];

  function row(overrides: Partial<MeasureRow>): MeasureRow {
    return {
      experimentId: experiment.id,
      experiment: experiment.code,
      metric: 'temperature',
      source: 'a',
      unit: 'C',
      value: 0,
      timestampUs: T0,
      tags: {},
      ...overrides,
    };
  }

  /** The reference answer: the inserted measures of `subset`, filtered and ordered as the API promises. */
  function expected(subset: readonly Series[], window: MeasureWindow): StoredMeasure[] {
    const ids = new Set(subset.map((s) => s.id));
    return all
      .filter((m) => ids.has(m.seriesId))
      .filter((m) => window.fromUs === undefined || m.timestampUs >= window.fromUs)
      .filter((m) => window.toUs === undefined || m.timestampUs < window.toUs)
      .filter(
        (m) =>
          !window.after ||
          m.timestampUs > window.after.timestampUs ||
          (m.timestampUs === window.after.timestampUs && m.seriesId > window.after.seriesId),
      )
      .slice(0, window.limit);
  }

  /** Reads every page of `limit` and returns them concatenated. */
  async function walk(subset: readonly Series[], window: Omit<MeasureWindow, 'after'>): Promise<StoredMeasure[]> {
    const seen: StoredMeasure[] = [];
    let after: MeasureWindow['after'];
    for (;;) {
      const page = await reader.measures(subset, { ...window, after });
      expect(page).toEqual(expected(subset, { ...window, after }));
      if (page.length === 0) return seen;
      seen.push(...page);
      const last = page[page.length - 1];
      after = { timestampUs: last!.timestampUs, seriesId: last!.seriesId };
    }
  }

  beforeAll(async () => {
    f = await createStorageFixture();
    reader = new MysqlMeasureReader(f.db);
    experiment = await f.experiments.insert({ code: uniqueCode(), name: 'reads' });
    const other = await f.experiments.insert({ code: uniqueCode(), name: 'others' });
    const rows: MeasureRow[] = [];
    // 80 series (more than the UNION strategy takes), sharing timestamps so that pages split ties.
    for (let s = 0; s < 80; s++) {
      const metric = s % 2 === 0 ? 'temperature' : 'pressure';
      for (let t = 0; t < 12; t++) {
        rows.push(row({ metric, source: `probe-${s}`, timestampUs: T0 + BigInt((t % 6) * 10 + (s % 3) + Math.floor(t / 6) * 1000), value: s * 100 + t }));
      }
    }
    rows.push(row({ metric: 'temperature', source: 'probe-0', tags: { loop: 'b' }, timestampUs: T0, value: -1 }));
    await f.measures.store(rows);
    await f.measures.store([{ ...row({}), experimentId: other.id, experiment: other.code }]);
    series = await reader.series(experiment);
    const byKey = new Map(series.map((s) => [`${s.metric}/${s.source}/${JSON.stringify(s.tags)}`, s]));
    all = rows
      .map((r) => {
        const s = byKey.get(`${r.metric}/${r.source}/${JSON.stringify(r.tags)}`) as Series;
        return { seriesId: s.id, metric: s.metric, source: s.source, unit: s.unit, tags: s.tags, timestampUs: r.timestampUs, value: r.value };
      })
      .sort((a, b) => (a.timestampUs < b.timestampUs ? -1 : a.timestampUs > b.timestampUs ? 1 : a.seriesId - b.seriesId));
  });

  afterAll(() => f.close());

  it('lists the series of one experiment, filtered by metric and source', async () => {
    expect(series).toHaveLength(81);
    expect(series.every((s) => s.experiment === experiment.code)).toBe(true);
    expect(await reader.series(experiment, { metric: 'pressure' })).toHaveLength(40);
    const probe0 = await reader.series(experiment, { metric: 'temperature', source: 'probe-0' });
    expect(probe0.map((s) => JSON.stringify(s.tags)).sort()).toEqual(['{"loop":"b"}', '{}']);
    expect(await reader.series(experiment, { metric: 'humidity' })).toEqual([]);
  });

  it('finds the series by experiment code in one query, only when the experiment is associated with the given user', async () => {
    const user = await insertUser(f);
    expect(await reader.visibleSeries(experiment.code, { metric: 'pressure' })).toEqual(await reader.series(experiment, { metric: 'pressure' }));
    expect(await reader.visibleSeries(experiment.code, {}, user.id)).toBeUndefined();
    expect(await reader.visibleSeries('NO-SUCH-CODE', {})).toBeUndefined();
    await f.experiments.associate(experiment.id, user.id);
    expect(await reader.visibleSeries(experiment.code, {}, user.id)).toEqual(series);
    expect(await reader.visibleSeries(experiment.code, { metric: 'humidity' }, user.id)).toEqual([]);
    expect(await reader.visibleSeries(experiment.code, { metric: 'temperature', source: 'probe-2' }, user.id)).toEqual(
      series.filter((s) => s.metric === 'temperature' && s.source === 'probe-2'),
    );
  });

  it.each([
    ['one series', 1],
    ['a few series (UNION of LIMITed scans)', 7],
    ['many series (IN list)', 81],
  ])('%s: windows are [from, to) and pages walk every measure once, ties across series included', async (_name, count) => {
    const subset = series.slice(0, count);
    expect(await walk(subset, { limit: 5 })).toEqual(expected(subset, { limit: 1e9 }));
    expect(await walk(subset, { fromUs: T0 + 10n, toUs: T0 + 1020n, limit: 4 })).toEqual(
      expected(subset, { fromUs: T0 + 10n, toUs: T0 + 1020n, limit: 1e9 }),
    );
    expect(await walk(subset, { fromUs: T0 + 1001n, limit: 3 })).toEqual(expected(subset, { fromUs: T0 + 1001n, limit: 1e9 }));
    expect(await walk(subset, { toUs: T0 + 21n, limit: 100 })).toEqual(expected(subset, { toUs: T0 + 21n, limit: 1e9 }));
  });

  it('a page after a cursor in the middle of a tie starts with the next series of that timestamp', async () => {
    const subset = series.slice(0, 7);
    const rows = expected(subset, { limit: 1e9 });
    const tie = rows.findIndex((m, i) => i > 0 && m.timestampUs === rows[i - 1]!.timestampUs);
    const cursor = rows[tie - 1];
    const page = await reader.measures(subset, { limit: 2, after: { timestampUs: cursor!.timestampUs, seriesId: cursor!.seriesId } });
    expect(page).toEqual(rows.slice(tie, tie + 2));
  });

  it('answers nothing for no series and refuses a bad limit as a validation error (a 400, not a 500)', async () => {
    expect(await reader.measures([], { limit: 10 })).toEqual([]);
    await expect(reader.measures(series, { limit: 1.5 })).rejects.toThrow(ValidationError);
  });

  it('EXPLAIN: a one-series page is a range scan of the primary key, in key order, with no sort', async () => {
    const [first] = series;
    const { sql, values } = MysqlMeasureReader.singleSeriesSql(first!.id, { fromUs: T0, toUs: T0 + 100n, limit: 1000 });
    const plan = await f.rows<{ table: string; type: string; key: string; Extra: string | null }>(`EXPLAIN ${sql}`, values);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ table: 'measures', type: 'range', key: 'PRIMARY' });
    expect(plan[0]!.Extra ?? '').not.toMatch(/filesort/i);
  });

  it('EXPLAIN: each part of a several-series page is a range scan of the primary key', async () => {
    const executed: Array<{ sql: string; values: unknown[] }> = [];
    const original = f.db.executor.bind(f.db);
    const spy = jest.spyOn(f.db, 'executor').mockImplementation(() => {
      const target = original();
      return {
        query: ((options: { sql: string }, values: unknown[]) => {
          executed.push({ sql: options.sql, values });
          return target.query(options as never, values as never);
        }) as never,
      };
    });
    try {
      await reader.measures(series.slice(0, 3), { fromUs: T0, limit: 10 });
      await reader.measures(series, { fromUs: T0, toUs: T0 + 100n, limit: 10 });
    } finally {
      spy.mockRestore();
    }
    expect(executed).toHaveLength(2);
    const unionPlan = await f.rows<{ table: string | null; type: string | null; key: string | null }>(
      `EXPLAIN ${executed[0]!.sql}`,
      executed[0]!.values,
    );
    const scans = unionPlan.filter((step) => step.table === 'measures');
    expect(scans).toHaveLength(3);
    scans.forEach((scan) => expect(scan).toMatchObject({ type: 'range', key: 'PRIMARY' }));
    const inPlan = await f.rows<{ table: string; type: string; key: string }>(`EXPLAIN ${executed[1]!.sql}`, executed[1]!.values);
    expect(inPlan[0]).toMatchObject({ table: 'measures', type: 'range', key: 'PRIMARY' });
  });
});
