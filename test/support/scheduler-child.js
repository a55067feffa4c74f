/*
 * A real OS process running the check scheduler of the compiled sources (MYMONIT_OUT: the build's out/src),
 * with stand-ins for the other parts (until they are merged): an http executor that waits EXEC_DELAY_MS and
 * appends "checkId/hostId/slotMs token pid" to EXEC_LOG for every execution, and a recorder writing
 * check_results once per (check, host, slot) under the SlotFence (test/support/checks-fakes-scheduler.ts's
 * TableRecorder, in JavaScript). Plain JavaScript, run by node: the failover test SIGKILLs it. Prints
 * "ready <holder>" once started.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const out = process.env.MYMONIT_OUT;
const { buildContainer } = require(path.join(out, 'container.js'));
const { loadConfig } = require(path.join(out, 'config.js'));
const { TYPES } = require(path.join(out, 'identifiers.js'));

const delayMs = Number(process.env.EXEC_DELAY_MS ?? '100');
const log = fs.openSync(process.env.EXEC_LOG, 'a');

const executor = {
  kinds: ['http'],
  async execute(job, signal) {
    const startedAtMs = Date.now();
    fs.writeSync(log, `${job.checkId}/${job.host.id}/${job.slotMs} ${job.fencingToken} ${process.pid}\n`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    return { outcome: 'ok', value: 1, message: 'ok', startedAtMs, durationMs: Date.now() - startedAtMs };
  },
};

function recorder(db, fence) {
  async function write(job, outcome, result) {
    return db.inTransaction(async () => {
      const executor = db.executor();
      await executor.query(
        `INSERT IGNORE INTO check_results (check_id, host_id, experiment_id, slot_ms, started_at_ms, duration_ms, outcome, value, message, severity, fencing_token, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))`,
        [job.checkId, job.host.id, job.experimentId, job.slotMs, result ? result.startedAtMs : null, result ? result.durationMs : null, outcome, result ? result.value : null, result ? result.message : 'missed', outcome === 'ok' ? 'ok' : 'unknown', job.fencingToken],
      );
      await fence.assertHeld(job);
      const [rows] = await executor.query('SELECT id, outcome, message, severity FROM check_results WHERE check_id = ? AND host_id = ? AND slot_ms = ?', [job.checkId, job.host.id, job.slotMs]);
      const row = rows[0];
      return { id: Number(row.id), checkId: job.checkId, hostId: job.host.id, experimentId: job.experimentId, slotMs: job.slotMs, outcome: row.outcome, message: row.message, severity: row.severity };
    });
  }
  return { record: (job, result) => write(job, result.outcome, result), recordMissed: (job) => write(job, 'missed') };
}

/** The stand-in parser of parameters (P1's real one accepts the same http parameters). */
function parseParams(kind, raw) {
  return { ok: true, params: { kind, url: raw && raw.url ? raw.url : 'http://127.0.0.1/', method: 'GET', headers: new Map(), expectStatus: [200], bodyRegex: false, verifyTls: true } };
}

async function main() {
  const config = loadConfig(process.env);
  const container = buildContainer(config);
  container.rebindSync(TYPES.CheckExecutor).toConstantValue(executor);
  container.rebindSync(TYPES.CheckResultRecorder).toConstantValue(recorder(container.get(TYPES.Database), container.get(TYPES.SlotFence)));
  container.rebindSync(TYPES.CheckSchedulerOptions).toConstantValue({ ...config.checkScheduler, parseParams });
  const scheduler = container.get(TYPES.CheckScheduler);
  await scheduler.start();
  const keepAlive = setInterval(() => undefined, 60_000);
  process.stdout.write(`ready ${scheduler.holder}\n`);
  process.once('SIGTERM', () => {
    clearInterval(keepAlive);
    scheduler
      .stop()
      .then(() => container.get(TYPES.Database).close())
      .then(() => process.exit(0), () => process.exit(1));
  });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
