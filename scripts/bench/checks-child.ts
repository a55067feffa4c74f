import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/container';
import { TYPES } from '../../src/identifiers';
import type { CheckScheduler } from '../../src/services/checks/check-scheduler';
import { HealthMonitor } from '../../src/services/health/health-monitor';
import type { MysqlDatabase } from '../../src/storage/mysql-database';

/**
 * One scheduler process of `npm run bench:checks`: the container as a consume process builds it, nothing
 * rebound. The real scheduler (claims, leases, fencing, timeouts) and parameter parser, the built-in
 * executor (http checks to the bench's loopback server) and the result recorder (check_results,
 * classification and measures in one transaction fenced by the SlotFence; then the committed-measures
 * listeners and the health monitor, as after any result). Only the scheduler is started among the
 * components: the others' periodic work is no part of what is measured. Prints "ready <holder>".
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const container = buildContainer(config);
  const scheduler = container.get<CheckScheduler>(TYPES.CheckScheduler);
  await scheduler.start();
  const keepAlive = setInterval(() => undefined, 60_000);
  process.stdout.write(`ready ${scheduler.holder}\n`);
  process.once('SIGTERM', () => {
    clearInterval(keepAlive);
    scheduler
      .stop()
      // Health recomputations the last results started, before the pool closes under them.
      .then(() => container.get(HealthMonitor).idle())
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
