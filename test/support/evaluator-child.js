/*
 * A real OS process running the rule evaluator of the compiled sources (MYMONIT_OUT: the build's out/src),
 * with the PromQL engine and the rule store faked: the groups come from FAKE_GROUPS (JSON), each query's
 * result from the JSON file FAKE_RESULTS (read at every query, so the test changes it while this runs).
 * Plain JavaScript, run by node: the failover tests SIGKILL it. Prints "ready <holder>" once started.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const out = process.env.MYMONIT_OUT;
const { buildContainer } = require(path.join(out, 'container.js'));
const { loadConfig } = require(path.join(out, 'config.js'));
const { TYPES } = require(path.join(out, 'identifiers.js'));

const groups = JSON.parse(process.env.FAKE_GROUPS).map((g) => ({
  ...g,
  rules: g.rules.map((r) => ({ ...r, labels: new Map(Object.entries(r.labels ?? {})), annotations: new Map() })),
}));

const engine = {
  async instant(query, timeMs) {
    const results = JSON.parse(fs.readFileSync(process.env.FAKE_RESULTS, 'utf8'));
    const elements = results[query] ?? [];
    return { type: 'vector', samples: elements.map((e) => ({ labels: new Map(Object.entries(e.labels)), t: timeMs, v: e.v })) };
  },
  range() {
    throw new Error('not used');
  },
  parseSelector() {
    throw new Error('not used');
  },
  check() {
    return undefined;
  },
};

async function main() {
  const container = buildContainer(loadConfig(process.env));
  container.rebindSync(TYPES.PromqlEngine).toConstantValue(engine);
  container.rebindSync(TYPES.SeriesSourceFactory).toConstantValue({ scoped: () => ({ select: async () => [] }) });
  container.rebindSync(TYPES.RuleGroupReader).toConstantValue({ listAll: async () => groups, findById: async (id) => groups.find((g) => g.id === id) });
  container.bind(TYPES.RuleEvaluatorOptions).toConstantValue({ refreshMs: 200, debounceMs: 20 });
  const evaluator = container.get(TYPES.RuleEvaluator);
  await evaluator.start();
  // The evaluator's timers do not hold a process open (in `consume`, the consumer does): this one must.
  const keepAlive = setInterval(() => undefined, 60_000);
  process.stdout.write(`ready ${evaluator.holder}\n`);
  process.once('SIGTERM', () => {
    clearInterval(keepAlive);
    evaluator
      .stop()
      .then(() => container.get(TYPES.Database).close())
      .then(() => process.exit(0), () => process.exit(1));
  });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
