import {
  createMonitor,
  parseLog,
  parseSignature,
  PolicyEventError,
  restoreMonitor,
  runLog,
  type Monitor,
  type MonitorSnapshot,
  type TimePointInput,
  type Verdict,
} from '../../../src/policies';
import { conformanceCases, KNOWN_FLAGS } from './conformance-cases';

const cases = conformanceCases();

/** Pushes as MonPoly reads a log: a time point with a decreasing timestamp is skipped. */
function pushSkipping(monitor: Monitor, point: TimePointInput): Verdict[] {
  try {
    return monitor.push(point);
  } catch (e) {
    if (e instanceof PolicyEventError) return [];
    throw e;
  }
}

describe('MFOTL conformance: the verdict lines equal the reference monitor, byte for byte', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const flag of c.flags) expect(KNOWN_FLAGS).toContain(flag);
    const { lines } = runLog(parseSignature(c.signature), c.formula, c.log, {
      negate: c.flags.includes('-negate'),
      endOfLog: !c.flags.includes('-nonewlastts'),
      stopAtOutOfOrder: c.flags.includes('-stop_at_out_of_order_ts'),
    });
    const output = lines.map((l) => `${l}\n`).join('');
    expect(output).toBe(c.expected);
  });
});

describe('MFOTL conformance with a resume: half the log, a snapshot through JSON, a new monitor for the rest', () => {
  const resumable = cases.filter((c) => !c.flags.includes('-nonewlastts') && !c.flags.includes('-stop_at_out_of_order_ts'));
  it.each(resumable.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const signature = parseSignature(c.signature);
    const options = { negate: c.flags.includes('-negate') };
    const points = parseLog(c.log, signature);
    const half = Math.floor(points.length / 2);
    const first = createMonitor(signature, c.formula, options);
    const before = points.slice(0, half).flatMap((p) => pushSkipping(first, p));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as MonitorSnapshot;
    const second = restoreMonitor(signature, c.formula, options, snapshot);
    const after = [...points.slice(half).flatMap((p) => pushSkipping(second, p)), ...second.finish()];
    const output = [...before, ...after].map((v) => `${second.format(v)}\n`).join('');
    expect(output).toBe(c.expected);
  });
});
