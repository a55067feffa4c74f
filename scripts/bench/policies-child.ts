import 'reflect-metadata';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/container';
import { TYPES } from '../../src/identifiers';
import type { PolicyEventIngest } from '../../src/services/policies/ports';
import type { TimePointInput } from '../../src/policies';
import path from 'node:path';
import { ROOT } from './bench-support';
import { batches } from './policies-db';
import { EventGenerator, loadCases } from './policies-workload';

/**
 * A process of bench:policies' resume figure (scripts/bench/policies-db.ts), with the container a serve or
 * consume process builds. `feed <policy>`: calls of 5,000 events (time points after the stored last
 * timestamp), printing "fed N" after each commit, until it is killed. `resume <policy>`: one time point at the
 * stored last timestamp, then prints "accepted ingest=<ms of the call> boot=<ms from the process start to the
 * call>".
 */
async function main(): Promise<void> {
  const [mode, idText, caseName] = process.argv.slice(2);
  const policyId = Number(idText);
  const config = loadConfig(process.env);
  const container = buildContainer(config);
  const ingest = container.get<PolicyEventIngest>(TYPES.PolicyEventIngest);
  const db = await mysql.createConnection({ host: config.db.host, port: config.db.port, user: config.db.user, password: config.db.password, database: config.db.database });
  const [rows] = await db.query<RowDataPacket[]>('SELECT last_ts FROM policy_monitors WHERE policy_id = ?', [policyId]);
  await db.end();
  const ts = Number(rows[0]?.last_ts ?? 0);
  if (mode === 'resume') {
    const bootMs = performance.now();
    const started = performance.now();
    const result = await ingest.ingest(policyId, { kind: 'json', value: [{ ts, events: [] }] }, { final: false, source: 'rest' });
    const ingestMs = performance.now() - started;
    if (result.accepted !== 1) throw new Error(`the time point was refused: ${result.rejected[0]?.reason}`);
    process.stdout.write(`accepted ingest=${ingestMs.toFixed(1)} boot=${bootMs.toFixed(1)}\n`);
    return;
  }
  // The case's generator again, its timestamps after the stored last one.
  const [policy] = loadCases(path.join(ROOT, 'test', 'fixtures', 'mfotl-conformance'), new Set([caseName ?? '']));
  if (policy === undefined) throw new Error(`no case ${caseName ?? ''}`);
  const shifted = function* (): Generator<TimePointInput> {
    for (const point of new EventGenerator(policy, 51).timePoints(Number.MAX_SAFE_INTEGER)) yield { ts: ts + point.ts, events: point.events };
  };
  let call = 0;
  for (const batch of batches(shifted(), 5000)) {
    await ingest.ingest(policyId, { kind: 'json', value: batch }, { final: false, source: 'rest' });
    process.stdout.write(`fed ${++call}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
