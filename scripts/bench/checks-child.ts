import 'reflect-metadata';
import type { HttpCheckParams } from '../../src/checks/model';
import { parseCheckParams } from '../../src/checks/params';
import type { CheckExecutor, CheckJob, CheckRunResult, SlotFence } from '../../src/checks/ports';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/container';
import { TYPES } from '../../src/identifiers';
import type { CheckScheduler } from '../../src/services/checks/check-scheduler';
import type { MysqlDatabase } from '../../src/storage/mysql-database';
import { standInParams, TableRecorder } from '../../test/support/checks-fakes-scheduler';

/**
 * One scheduler process of `npm run bench:checks`: the real scheduler (claims, leases, fencing, timeouts)
 * with stand-ins for the parts not on this branch: a fetch executor for http checks (the built-in
 * executor is P3's), the recorder stand-in (check_results once per (check, host, slot) under the SlotFence;
 * P5's also classifies and writes measures), and, while src/checks/params.ts is a stand-in that refuses
 * everything, a parser that accepts the bench's http parameters. Prints "ready <holder>".
 */
class FetchExecutor implements CheckExecutor {
  readonly kinds = ['http'] as const;

  async execute(job: CheckJob, signal: AbortSignal): Promise<CheckRunResult> {
    const startedAtMs = Date.now();
    const started = performance.now();
    const params = job.params as HttpCheckParams;
    try {
      // The job's key in the URL: the bench's server counts executions per (check, host, slot).
      const response = await fetch(`${params.url}?job=${job.checkId}/${job.host.id}/${job.slotMs}`, { signal });
      await response.arrayBuffer();
      const durationMs = performance.now() - started;
      const ok = params.expectStatus.includes(response.status);
      return { outcome: ok ? 'ok' : 'failed', value: durationMs, message: `HTTP ${response.status}`, startedAtMs, durationMs };
    } catch (error) {
      const durationMs = performance.now() - started;
      return { outcome: signal.aborted ? 'timeout' : 'failed', message: String(error), startedAtMs, durationMs };
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const container = buildContainer(config);
  container.bind<CheckExecutor>(TYPES.CheckExecutor).toConstantValue(new FetchExecutor());
  container.bind(TYPES.CheckResultRecorder).toConstantValue(new TableRecorder(container.get<MysqlDatabase>(TYPES.Database), container.get<SlotFence>(TYPES.SlotFence)));
  const realParser = parseCheckParams('http', { url: 'http://127.0.0.1/' }).ok;
  container.rebindSync(TYPES.CheckSchedulerOptions).toConstantValue({ ...config.checkScheduler, ...(realParser ? {} : { parseParams: standInParams }) });
  const scheduler = container.get<CheckScheduler>(TYPES.CheckScheduler);
  await scheduler.start();
  const keepAlive = setInterval(() => undefined, 60_000);
  process.stdout.write(`ready ${scheduler.holder}\n`);
  process.once('SIGTERM', () => {
    clearInterval(keepAlive);
    scheduler
      .stop()
      .then(() => container.get<MysqlDatabase>(TYPES.Database).close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
