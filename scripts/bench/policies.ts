import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createMonitor, type TimePointInput } from '../../src/policies';
import { ROOT } from './bench-support';
import { EventGenerator, loadCases, pastOnly, type PolicyCase } from './policies-workload';

/**
 * `npm run bench:policies` (issue 15): the MFOTL monitor over each conformance formula (test/fixtures/
 * mfotl-conformance: each case's signature and formula), EVENTS events per formula (1,000,000; --events) from
 * a generator learnt from the case's log (scripts/bench/policies-workload.ts).
 *
 * (a) engine alone: the pure monitor, time point by time point; events/s, and the memory it holds: the
 *     process's heapUsed (after a GC) and the size of the monitor's snapshot (its whole state, as stored in
 *     policy_monitors) after MEMORY_AT events and at the end. A bounded monitor has a ratio near 1.
 * (b) the database path (see policies-db.ts): PolicyEventIngest, BATCH events per call.
 * (c) resume: a new process's time to its first accepted time point after a SIGKILL.
 */
const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'db-events': { type: 'string', default: '1000000' },
    'memory-at': { type: 'string', default: '100000' },
    batch: { type: 'string', default: '5000' },
    cases: { type: 'string' },
    'skip-db': { type: 'boolean', default: false },
    'skip-engine': { type: 'boolean', default: false },
  },
});
const count = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name}: ${text} is not a positive integer`);
  return value;
};
const EVENTS = count('events', flags.events);
const DB_EVENTS = count('db-events', flags['db-events']);
const MEMORY_AT = Math.min(count('memory-at', flags['memory-at']), EVENTS);
const BATCH = count('batch', flags.batch);
const CASES_DIR = path.join(ROOT, 'test', 'fixtures', 'mfotl-conformance');

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

export interface EngineResult {
  name: string;
  pastOnly: boolean;
  events: number;
  timePoints: number;
  verdicts: number;
  seconds: number;
  eventsPerSecond: number;
  /** Events fed when the memory was taken (the first chunk's end past MEMORY_AT). */
  markedAt: number;
  heapAtMemoryMark: number;
  heapAtEnd: number;
  snapshotAtMemoryMark: number;
  snapshotAtEnd: number;
}

/** Time points generated this many at a time, outside the timing: the run never holds all of them. */
const CHUNK = 1_000;

/** Feeds the generated time points one by one; generation is not timed, and only a chunk is held at a time. */
export function runEngine(policy: PolicyCase, events: number, memoryAt: number): EngineResult {
  const generator = new EventGenerator(policy).timePoints(events);
  const monitor = createMonitor(policy.signature, policy.formula, { negate: policy.negate });
  let fed = 0;
  let timePoints = 0;
  let verdicts = 0;
  let heapAtMemoryMark = 0;
  let snapshotAtMemoryMark = 0;
  let marked = false;
  let markedAt = 0;
  let timed = 0;
  for (;;) {
    const chunk: TimePointInput[] = [];
    for (let next = generator.next(); !next.done; next = chunk.length < CHUNK ? generator.next() : { done: true, value: undefined }) chunk.push(next.value);
    if (chunk.length === 0) break;
    const started = performance.now();
    for (const point of chunk) {
      verdicts += monitor.push(point).length;
      fed += point.events.length;
    }
    timed += performance.now() - started;
    timePoints += chunk.length;
    if (!marked && fed >= memoryAt) {
      // At a chunk's end, the chunk let go: what is left on the heap is the monitor's (and the process's).
      chunk.length = 0;
      heapAtMemoryMark = heapUsed();
      snapshotAtMemoryMark = JSON.stringify(monitor.snapshot()).length;
      markedAt = fed;
      marked = true;
    }
  }
  const finishing = performance.now();
  verdicts += monitor.finish().length;
  timed += performance.now() - finishing;
  const seconds = timed / 1000;
  const heapAtEnd = heapUsed();
  const snapshotAtEnd = JSON.stringify(monitor.snapshot()).length;
  return {
    name: policy.name,
    pastOnly: pastOnly(policy.formula),
    events: fed,
    timePoints,
    verdicts,
    seconds,
    eventsPerSecond: fed / seconds,
    markedAt,
    heapAtMemoryMark,
    heapAtEnd,
    snapshotAtMemoryMark,
    snapshotAtEnd,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const only = flags.cases === undefined ? undefined : new Set(flags.cases.split(','));
  const cases = loadCases(CASES_DIR, only);
  if (cases.length === 0) throw new Error(`no case in ${CASES_DIR}${only ? ` named ${[...only].join(', ')}` : ''}`);
  if (gc === undefined) process.stdout.write('(run node with --expose-gc for heap figures after a GC)\n');
  process.stdout.write(`bench:policies: ${cases.length} formulas${flags['skip-engine'] ? '' : `, engine ${int(EVENTS)} events each`} (memory at ${int(MEMORY_AT)})${flags['skip-db'] ? '' : `, database path ${int(DB_EVENTS)} events each in calls of ${int(BATCH)}`}\n\n`);

  const engine: EngineResult[] = [];
  for (const policy of flags['skip-engine'] ? [] : cases) {
    const result = runEngine(policy, EVENTS, MEMORY_AT);
    engine.push(result);
    process.stdout.write(`  engine ${policy.name}: ${int(result.eventsPerSecond)} events/s\n`);
  }
  if (engine.length > 0) reportEngine(engine);
  if (flags['skip-db']) return;
  const { runDatabasePath } = await import('./policies-db');
  await runDatabasePath(cases, { events: DB_EVENTS, batch: BATCH, memoryAt: Math.min(MEMORY_AT, DB_EVENTS) });
}

function reportEngine(engine: readonly EngineResult[]): void {
  process.stdout.write('\n(a) engine alone\n');
  process.stdout.write(
    `${table(
      ['formula', 'past-only', 'events', 'time points', 'verdicts', 'events/s', `heap @${int(MEMORY_AT)}`, 'heap @end', 'heap end/mark', `snapshot @${int(MEMORY_AT)}`, 'snapshot @end', 'snapshot end/mark'],
      engine.map((r) => [
        r.name,
        r.pastOnly ? 'yes' : 'no',
        int(r.events),
        int(r.timePoints),
        int(r.verdicts),
        int(r.eventsPerSecond),
        mb(r.heapAtMemoryMark),
        mb(r.heapAtEnd),
        (r.heapAtEnd / Math.max(1, r.heapAtMemoryMark)).toFixed(2),
        kb(r.snapshotAtMemoryMark),
        kb(r.snapshotAtEnd),
        (r.snapshotAtEnd / Math.max(1, r.snapshotAtMemoryMark)).toFixed(2),
      ]),
    )}\n`,
  );
  const past = engine.filter((r) => r.pastOnly);
  const slowest = past.reduce((min, r) => (r.eventsPerSecond < min.eventsPerSecond ? r : min), past[0] ?? engine[0]!);
  process.stdout.write(`past-only formulas: slowest ${slowest.name} at ${int(slowest.eventsPerSecond)} events/s (target >= 50,000): ${past.every((r) => r.eventsPerSecond >= 50_000) ? 'met' : 'NOT met'}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
