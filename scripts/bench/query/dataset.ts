import { performance } from 'node:perf_hooks';
import type { Container } from 'inversify';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { Config } from '../../../src/config';
import type { User } from '../../../src/domain/user';
import { TYPES } from '../../../src/identifiers';
import type { UserService } from '../../../src/services/user-service';
import { RollupJob } from '../../../src/services/rollup-job';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlMeasureReader } from '../../../src/storage/mysql-measure-reader';
import { rollupMarksSql } from '../../../src/storage/rollup-marks';
import type { ExperimentStore, MeasureStore, Migrator } from '../../../src/storage/stores';

/**
 * The benchmark's data: one experiment with 10 million measures at 1 Hz. Series probe-0 holds 30 days
 * (2,592,000 points), the one the aggregate target names; probe-1..8 hold 926,000 each. Loaded once into
 * the bench database with multi-row INSERTs, each chunk marked for the rollups in its transaction as
 * ingest marks it, then rolled up by the rollup job; later runs reuse it.
 */
export const DATASET = {
  experiment: 'BENCH-Q',
  scientist: 'bench-query-scientist',
  startUs: Date.parse('2026-10-01T00:00:00Z') * 1000,
  targetPoints: 30 * 24 * 3600,
  otherSeries: 8,
  otherPoints: 926_000,
  total: 30 * 24 * 3600 + 8 * 926_000,
};
const CHUNK = 10_000;

export interface Dataset {
  reused: boolean;
  targetSeriesId: number;
  scientist: User;
  loadSeconds?: number;
  rollupSeconds?: number;
  rollupMinutes?: number;
}

/** Deterministic values: a daily cycle and some noise. */
function valueAt(seriesIndex: number, second: number): number {
  return Math.round((20 + seriesIndex + 5 * Math.sin((2 * Math.PI * second) / 86_400) + ((second * 7919) % 1000) / 1000) * 1000) / 1000;
}

async function isComplete(config: Config): Promise<boolean> {
  const connection = await mysql.createConnection({ host: config.db.host, port: config.db.port, user: config.db.user, password: config.db.password });
  try {
    const [tables] = await connection.query<RowDataPacket[]>(
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'bench_query_dataset'",
      [config.db.database],
    );
    if (tables.length === 0) {
      // A previous load stopped half-way, or none ran: start from an empty bench database.
      await connection.query(`DROP DATABASE IF EXISTS \`${config.db.database}\``);
      return false;
    }
    const [rows] = await connection.query<RowDataPacket[]>(`SELECT measures FROM \`${config.db.database}\`.bench_query_dataset`);
    const [row] = rows;
    return rows.length === 1 && Number(row?.measures) === DATASET.total;
  } finally {
    await connection.end();
  }
}

export async function ensureDataset(container: Container, config: Config, log: (line: string) => void): Promise<Dataset> {
  if (!config.db.database.startsWith('mymonit_bench')) throw new Error('the bench database name must start with mymonit_bench');
  const reused = await isComplete(config);
  await container.get<Migrator>(TYPES.Migrator).migrate();
  const db = container.get<MysqlDatabase>(TYPES.Database);
  const users = container.get<UserService>(TYPES.UserService);
  const experiments = container.get<ExperimentStore>(TYPES.ExperimentStore);
  const reader = new MysqlMeasureReader(db);
  const result: Partial<Dataset> = { reused };

  if (!reused) {
    log(`loading ${DATASET.total.toLocaleString('en')} measures into ${config.db.database} (once; later runs reuse them)`);
    const experiment = await experiments.insert({ code: DATASET.experiment, name: 'query benchmark' });
    const scientist = await users.createFromCli({ userId: 'BQ1', name: 'Bench Scientist', username: DATASET.scientist, email: 'bench@example.org', role: 'SCIENTIST' });
    await experiments.associate(experiment.id, scientist.id);
    // The series, created by the ingest path itself with each one's first measure.
    await container.get<MeasureStore>(TYPES.MeasureStore).store(
      Array.from({ length: DATASET.otherSeries + 1 }, (_, i) => ({
        experimentId: experiment.id, experiment: experiment.code, metric: 'temperature', source: `probe-${i}`,
        unit: 'C', tags: {}, timestampUs: BigInt(DATASET.startUs), value: valueAt(i, 0),
      })),
    );
    const series = await reader.series(experiment, { metric: 'temperature' });
    const started = performance.now();
    const jobs = series.map((s) => {
      const index = Number((s.source as string).slice('probe-'.length));
      return { id: s.id, index, points: index === 0 ? DATASET.targetPoints : DATASET.otherPoints };
    });
    // Two loaders, one per core: each takes whole series.
    await Promise.all(
      [0, 1].map(async (lane) => {
        for (const job of jobs.filter((_, i) => i % 2 === lane)) {
          for (let first = 1; first < job.points; first += CHUNK) {
            const values: Array<[number, bigint, number]> = [];
            for (let second = first; second < Math.min(first + CHUNK, job.points); second++) {
              values.push([job.id, BigInt(DATASET.startUs + second * 1_000_000), valueAt(job.index, second)]);
            }
            await db.inTransaction(async () => {
              await db.executor().query(`INSERT INTO measures (series_id, ts_us, value) VALUES ${values.map((v) => `(${v.join(',')})`).join(',')}`);
              await db.executor().query(rollupMarksSql(values));
            });
          }
        }
      }),
    );
    result.loadSeconds = (performance.now() - started) / 1000;
    log(`loaded in ${result.loadSeconds.toFixed(1)} s (${Math.round(DATASET.total / result.loadSeconds).toLocaleString('en')} rows/s, multi-row INSERTs of ${CHUNK})`);
  }

  const marked = await db.executor().query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM rollup_dirty');
  if (Number(marked[0][0]?.n ?? 0) > 0) {
    const started = performance.now();
    result.rollupMinutes = await container.get(RollupJob).catchUp();
    result.rollupSeconds = (performance.now() - started) / 1000;
    log(`rollup job: ${result.rollupMinutes.toLocaleString('en')} minutes recomputed from raw rows in ${result.rollupSeconds.toFixed(1)} s`);
  }
  if (!reused) {
    await db.executor().query('CREATE TABLE bench_query_dataset (measures BIGINT NOT NULL, loaded_at DATETIME NOT NULL)');
    await db.executor().query('INSERT INTO bench_query_dataset VALUES (?, UTC_TIMESTAMP())', [DATASET.total]);
  }
  const experiment = await experiments.findByCode(DATASET.experiment);
  if (!experiment) throw new Error('the bench experiment is missing');
  const [target] = await reader.series(experiment, { metric: 'temperature', source: 'probe-0' });
  if (!target) throw new Error('the bench series temperature/probe-0 is missing');
  result.targetSeriesId = target.id;
  result.scientist = await users.authenticate(DATASET.scientist);
  return result as Dataset;
}
