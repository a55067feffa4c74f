import mysql from 'mysql2/promise';
import { HOUR_US, MINUTE_US } from '../../../src/domain/aggregate';
import type { Experiment } from '../../../src/domain/experiment';
import { retentionHorizonUs } from '../../../src/domain/retention';
import { RetentionJob } from '../../../src/services/retention-job';
import { RollupJob } from '../../../src/services/rollup-job';
import { MysqlRetentionStore } from '../../../src/storage/mysql-retention-store';
import { MysqlRollupMaintainer } from '../../../src/storage/mysql-rollup-maintainer';
import type { MeasureRow } from '../../../src/storage/stores';
import { testConfig } from '../../support/real-services';
import { createStorageFixture, uniqueCode, type StorageFixture } from './storage-fixture';

const DAY_US = 24 * HOUR_US;
const NOW_MS = Date.now();
const NOW_US = NOW_MS * 1000;

/**
 * Retention against real MariaDB: RETENTION_DAYS=3 removes raw rows older than the horizon, and only
 * those, in statements of at most RETENTION_CHUNK_ROWS rows, while ingest keeps writing; the rollups,
 * kept longer (ROLLUP_RETENTION_DAYS=5), still answer for the expired days.
 */
describe('retention', () => {
  let f: StorageFixture;
  let experiment: Experiment;
  let job: RetentionJob;
  const rawHorizon = retentionHorizonUs(3, NOW_MS) as number;
  const rollupHorizon = retentionHorizonUs(5, NOW_MS) as number;

  function rows(source: string, fromUs: number, toUs: number, gapUs: number): MeasureRow[] {
    const result: MeasureRow[] = [];
    for (let t = fromUs; t < toUs; t += gapUs) {
      result.push({ experimentId: experiment.id, experiment: experiment.code, metric: 'temperature', source, unit: null, value: t % 1000, timestampUs: BigInt(t), tags: {} });
    }
    return result;
  }

  async function count(sql: string, values: unknown[] = []): Promise<number> {
    return Number((await f.rows(sql, values))[0]!.n);
  }

  beforeAll(async () => {
    f = await createStorageFixture();
    const config = testConfig({ DB_DATABASE: f.config.db.database, RETENTION_DAYS: '3', ROLLUP_RETENTION_DAYS: '5', RETENTION_CHUNK_ROWS: '100' });
    job = new RetentionJob(new MysqlRetentionStore(f.db), config, { info: () => undefined, child() { return this; } } as never);
    experiment = await f.experiments.insert({ code: uniqueCode(), name: 'retention' });
    for (const source of ['a', 'b']) {
      // 7 days ago to now, one measure every 2 minutes.
      for (let day = 7; day > 0; day--) await f.measures.store(rows(source, NOW_US - day * DAY_US, NOW_US - (day - 1) * DAY_US, 2 * MINUTE_US));
    }
    // Rolled up while young, before any retention applied (the test's config has none).
    await new RollupJob(new MysqlRollupMaintainer(f.db), f.config).catchUp();
  });

  afterAll(() => f.close());

  it('deletes only rows older than the horizon, in bounded statements, while ingest continues', async () => {
    const oldRaw = await count('SELECT COUNT(*) AS n FROM measures WHERE ts_us < ?', [rawHorizon]);
    const keptRaw = await count('SELECT COUNT(*) AS n FROM measures WHERE ts_us >= ?', [rawHorizon]);
    const keptHours = await f.rows('SELECT * FROM rollup_hour WHERE bucket_us >= ? ORDER BY series_id, bucket_us', [rollupHorizon]);
    expect(oldRaw).toBeGreaterThan(5000);

    let ingested = 0;
    let retentionDone = false;
    const ingest = (async () => {
      // Current data, and data just after the horizon, into the very series being expired.
      for (let batch = 0; !retentionDone || batch < 5; batch++) {
        const start = batch % 2 === 0 ? NOW_US + batch * MINUTE_US : rawHorizon + 1 + batch;
        await f.measures.store(rows(batch % 3 === 0 ? 'a' : 'b', start, start + 50_000, 1000));
        ingested += 50;
      }
    })();
    const result = await job.runOnce(NOW_MS);
    retentionDone = true;
    await ingest;

    expect(result.measures).toMatchObject({ rows: oldRaw });
    expect(result.measures?.largestStatement).toBe(100);
    expect(result.measures?.statements).toBeGreaterThanOrEqual(oldRaw / 100);
    expect(await count('SELECT COUNT(*) AS n FROM measures WHERE ts_us < ?', [rawHorizon])).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM measures WHERE ts_us >= ?', [rawHorizon])).toBe(keptRaw + ingested);
    expect(ingested).toBeGreaterThanOrEqual(250);

    // Rollups are kept longer than raw rows: only those older than their own horizon went.
    expect(result.rollup_hour?.rows).toBeGreaterThan(0);
    expect(await count('SELECT COUNT(*) AS n FROM rollup_hour WHERE bucket_us < ?', [rollupHorizon])).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM rollup_minute WHERE bucket_us < ?', [rollupHorizon])).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM rollup_hour WHERE bucket_us < ?', [rawHorizon])).toBeGreaterThan(0);
    const hoursNow = await f.rows('SELECT * FROM rollup_hour WHERE bucket_us >= ? AND bucket_us < ? ORDER BY series_id, bucket_us', [
      rollupHorizon,
      rawHorizon,
    ]);
    expect(hoursNow).toEqual(keptHours.filter((h) => Number(h.bucket_us) < rawHorizon));
  });

  it('a retention delete in progress locks only the expired rows: ingest into the same series does not wait', async () => {
    await f.measures.store(rows('a', rawHorizon - 10 * MINUTE_US, rawHorizon, MINUTE_US));
    const [series] = await f.rows('SELECT id FROM series WHERE experiment_id = ? AND source = ?', [experiment.id, 'a']);
    const { host, port, user, password, database } = f.config.db;
    const deleter = await mysql.createConnection({ host, port, user, password, database });
    const writer = await mysql.createConnection({ host, port, user, password, database });
    try {
      // The retention statement, held open (uncommitted) in its READ COMMITTED transaction.
      await deleter.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await deleter.beginTransaction();
      await deleter.query('DELETE FROM measures WHERE series_id = ? AND ts_us < ? ORDER BY ts_us LIMIT 100', [series!.id, rawHorizon]);
      // An ingest transaction (default isolation) writing right after the horizon and now: a lock wait would fail in 1 s.
      await writer.query('SET SESSION innodb_lock_wait_timeout = 1');
      await writer.beginTransaction();
      await writer.query('INSERT IGNORE INTO measures (series_id, ts_us, value) VALUES (?, ?, 1), (?, ?, 2)', [series!.id, rawHorizon, series!.id, NOW_US + HOUR_US]);
      await writer.query('INSERT IGNORE INTO rollup_dirty (series_id, bucket_us) VALUES (?, ?)', [series!.id, rawHorizon]);
      await writer.commit();
      await deleter.commit();
    } finally {
      await deleter.end();
      await writer.end();
    }
  });

  it('the rollup job drops marks older than the raw horizon instead of shrinking their rollups', async () => {
    // Late data older than the raw retention: all new, so it is added to its rollups at once; then the same
    // rows again (a redelivery): duplicates, so the minute is marked, to be expired by the next pass.
    const late = rows('a', rawHorizon - 30 * MINUTE_US + 7, rawHorizon - 29 * MINUTE_US, 10 * 1_000_000);
    await f.measures.store(late);
    const before = await f.rows('SELECT * FROM rollup_minute WHERE bucket_us < ? ORDER BY series_id, bucket_us', [rawHorizon]);
    await f.measures.store(late);
    expect(await count('SELECT COUNT(*) AS n FROM rollup_dirty')).toBeGreaterThan(0);
    const config = testConfig({ DB_DATABASE: f.config.db.database, RETENTION_DAYS: '3' });
    const maintainer = new MysqlRollupMaintainer(f.db);
    const refresh = jest.spyOn(maintainer, 'refresh');
    await new RollupJob(maintainer, config).catchUp();
    const results = await Promise.all(refresh.mock.results.map((r) => r.value));
    expect(results.reduce((n, r) => n + r.expired, 0)).toBeGreaterThan(0);
    expect(await f.rows('SELECT * FROM rollup_minute WHERE bucket_us < ? ORDER BY series_id, bucket_us', [rawHorizon])).toEqual(before);
    expect(await count('SELECT COUNT(*) AS n FROM rollup_dirty')).toBe(0);
  });
});
