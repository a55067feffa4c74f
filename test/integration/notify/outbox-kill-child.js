/*
 * A real OS process running the outbox reader of the compiled sources (MYMONIT_OUT: the build's out/src).
 * Its NotifyAlertStore puts for real, then prints "in-batch <n>" and never returns: the batch's transaction
 * stays open until the test SIGKILLs this process. Plain JavaScript, run by node.
 */
'use strict';
const path = require('node:path');

const out = process.env.MYMONIT_OUT;
const { buildContainer } = require(path.join(out, 'container.js'));
const { loadConfig } = require(path.join(out, 'config.js'));
const { TYPES } = require(path.join(out, 'identifiers.js'));
const { MysqlNotifyAlertStore } = require(path.join(out, 'storage', 'mysql-notify-alert-store.js'));

async function main() {
  const container = buildContainer(loadConfig(process.env));
  const real = new MysqlNotifyAlertStore(container.get(TYPES.Database));
  container.rebindSync(TYPES.NotifyAlertStore).toConstantValue({
    async put(alerts) {
      await real.put(alerts);
      process.stdout.write(`in-batch ${alerts.length}\n`);
      return new Promise(() => undefined);
    },
  });
  await container.get(TYPES.OutboxReader).runBatch();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
