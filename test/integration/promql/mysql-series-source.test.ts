import { createHash } from 'node:crypto';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { LabelMatcher } from '../../../src/alerting/promql/ast';
import type { StoredSeries } from '../../../src/alerting/promql/values';
import { TYPES } from '../../../src/identifiers';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlSeriesSource } from '../../../src/storage/mysql-series-source';
import { startPlatform, type TestPlatform } from '../../support/platform';

const eq = (name: string, value: string): LabelMatcher => ({ name, type: '=', value });
const re = (name: string, value: string): LabelMatcher => ({ name, type: '=~', value });
const plain = (series: readonly StoredSeries[]) => series.map((s) => ({ labels: Object.fromEntries(s.labels), points: s.points }));

/** The MySQL series source over rows written straight into the schema: mapping, merging, truncation, scope, bounds. */
describe('MysqlSeriesSource', () => {
  let p: TestPlatform;
  let db: MysqlDatabase;
  let source: MysqlSeriesSource;
  let a: number;
  let b: number;
  let keys = 0;

  async function experiment(code: string): Promise<number> {
    const [result] = await db.executor().query<ResultSetHeader>(
      'INSERT INTO experiments (code, name, created_at, updated_at) VALUES (?, ?, NOW(3), NOW(3))',
      [code, code],
    );
    return result.insertId;
  }

  async function series(experimentId: number, metric: string, tags: Record<string, string>, samples: Array<[number, number]>, source = '') {
    keys += 1;
    const [result] = await db.executor().query<ResultSetHeader>(
      `INSERT INTO series (experiment_id, metric, source, unit, tags, series_key, created_at) VALUES (?, ?, ?, '', ?, ?, NOW(3))`,
      [experimentId, metric, source, JSON.stringify(tags), createHash('sha256').update(String(keys)).digest('hex')],
    );
    if (samples.length > 0) {
      await db.executor().query('INSERT INTO measures (series_id, ts_us, value) VALUES ?', [samples.map(([ts, v]) => [result.insertId, ts, v])]);
    }
    return result.insertId;
  }

  beforeAll(async () => {
    p = await startPlatform();
    db = p.container.get<MysqlDatabase>(TYPES.Database);
    source = p.container.get(MysqlSeriesSource);
    a = await experiment('SA');
    b = await experiment('SB');
    await series(a, 'a.b', {}, [
      [1_000_100, 1],
      [1_000_900, 2],
      [3_000_000, 3],
    ]);
    await series(a, 'a-b', {}, [
      [2_000_000, 20],
      [3_000_000, 30],
    ]);
    await series(a, '9lives', JSON.parse('{"__proto__":"p","zone.name":"eu"}') as Record<string, string>, [[1_000_000, 9]]);
    await series(a, 'a_bc', {}, [[1_000_000, 5]]);
    await series(a, 'silent', {}, []);
    await series(b, 'a.b', {}, [[1_000_000, 100]]);
  });
  afterAll(() => p?.stop());

  it('reads stored series whose labels coincide as one, truncated to ms, the later sample winning', async () => {
    const read = await source.scoped({ kind: 'experiments', experimentIds: [a] }).select({ matchers: [eq('__name__', 'a_b')], startMs: 0, endMs: 10_000 });
    expect(plain(read)).toEqual([
      {
        labels: { __name__: 'a_b', experiment: 'SA' },
        points: [
          { t: 1000, v: 2 },
          { t: 2000, v: 20 },
          { t: 3000, v: 30 },
        ],
      },
    ]);
  });

  it('bounds are inclusive: [startMs * 1000, endMs * 1000 + 999] microseconds', async () => {
    const one = source.scoped({ kind: 'all' });
    const read = await one.select({ matchers: [eq('__name__', 'a_b'), eq('experiment', 'SA')], startMs: 1000, endMs: 1000 });
    expect(read[0]?.points).toEqual([{ t: 1000, v: 2 }]);
    expect(await one.select({ matchers: [eq('__name__', 'a_b'), eq('experiment', 'SA')], startMs: 3001, endMs: 9000 })).toEqual([]);
  });

  it('maps leading digits and reserved tags, and matches regexes fully anchored', async () => {
    const all = source.scoped({ kind: 'all' });
    const lives = await all.select({ matchers: [eq('__name__', '_9lives')], startMs: 0, endMs: 10_000 });
    expect(plain(lives).map((s) => s.labels)).toEqual([{ __name__: '_9lives', experiment: 'SA', tag___proto__: 'p', zone_name: 'eu' }]);
    expect(await all.select({ matchers: [eq('tag___proto__', 'p')], startMs: 0, endMs: 10_000 })).toHaveLength(1);
    const anchored = await all.select({ matchers: [re('__name__', 'a_b')], startMs: 0, endMs: 10_000 });
    expect(plain(anchored).map((s) => s.labels.experiment)).toEqual(['SA', 'SB']);
    expect(await all.select({ matchers: [re('__name__', 'a')], startMs: 0, endMs: 10_000 })).toEqual([]);
  });

  it('the scope bounds every selector', async () => {
    const scientist = source.scoped({ kind: 'experiments', experimentIds: [b] });
    const read = await scientist.select({ matchers: [re('experiment', '.+')], startMs: 0, endMs: 10_000 });
    expect(plain(read).map((s) => s.labels.experiment)).toEqual(['SB']);
    expect(await scientist.select({ matchers: [eq('experiment', 'SA')], startMs: 0, endMs: 10_000 })).toEqual([]);
    expect(await source.scoped({ kind: 'experiments', experimentIds: [] }).select({ matchers: [re('__name__', '.+')], startMs: 0, endMs: 10_000 })).toEqual([]);
  });

  it('lists only series with a sample in the window', async () => {
    const names = async (startMs?: number, endMs?: number) =>
      (await source.labelSets({ kind: 'experiments', experimentIds: [a] }, [], { startMs, endMs })).map((l) => l.get('__name__'));
    expect(await names()).toEqual(['_9lives', 'a_b', 'a_bc']);
    expect(await names(2000, 2000)).toEqual(['a_b']);
    expect(await names(undefined, 999)).toEqual([]);
    expect(await names(3001)).toEqual([]);
  });

  it('EXPLAIN: the samples of several series are ranges of the primary key, in key order, with no sort', async () => {
    const ids = [1, 2, 3];
    const { sql, values } = MysqlSeriesSource.samplesSql(ids, { fromUs: 0n, toUs: 10_000_999n }, 100);
    const [plan] = await db.executor().query<RowDataPacket[]>(`EXPLAIN ${sql}`, values);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ table: 'measures', type: 'range', key: 'PRIMARY' });
    expect(String(plan[0]?.Extra ?? '')).not.toMatch(/filesort/i);
  });

  it('refuses a selection past the series or samples limit', async () => {
    const config = p.config;
    const tight = new MysqlSeriesSource(db, { ...config, promql: { ...config.promql, maxSamples: 3, maxSeries: 1 } });
    await expect(tight.scoped({ kind: 'all' }).select({ matchers: [re('__name__', 'a_b.*')], startMs: 0, endMs: 10_000 })).rejects.toMatchObject({
      errorType: 'execution',
      message: 'query would read more than 1 series',
    });
    await expect(
      tight.scoped({ kind: 'experiments', experimentIds: [a] }).select({ matchers: [eq('__name__', 'a_b')], startMs: 0, endMs: 10_000 }),
    ).rejects.toMatchObject({ errorType: 'execution', message: 'query would read more than 3 samples' });
  });
});
