import type { AlertState, AlertTransition } from '../../../src/alerting/state/alert-state';
import type { RuleGroup } from '../../../src/alerting/rules/rule';
import { groupOffsetMs, nextEvalSlot } from '../../../src/alerting/state/eval-time';
import type { Logger } from '../../../src/logging/logger';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';
import { RuleMetrics } from '../../../src/metrics/rule-metrics';
import { RuleEvaluator } from '../../../src/services/rule-evaluator';
import type { AlertStateStore, GroupLease, LockedLease, RuleGroupLeaseStore } from '../../../src/storage/alerting-stores';
import type { MeasureRow, MeasureStore, Transactor } from '../../../src/storage/stores';
import { alertRule, FakeEngine, FakeRuleReader, FakeSeriesSources } from '../../support/alerting-fakes';

const logger: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => logger };

/** Leases on the (fake) clock, shared by the evaluators of one test as MySQL's row would be. */
class MemoryLeases implements RuleGroupLeaseStore {
  readonly rows = new Map<number, { holder: string; token: number; expiresAt: number; lastEvalMs?: number }>();
  acquire(groupId: number, holder: string, durationMs: number): Promise<GroupLease | undefined> {
    const row = this.rows.get(groupId) ?? { holder: '', token: 0, expiresAt: 0 };
    const live = row.expiresAt > Date.now();
    if (live && row.holder !== holder) return Promise.resolve(undefined);
    const token = live ? row.token : row.token + 1;
    this.rows.set(groupId, { ...row, holder, token, expiresAt: Date.now() + durationMs });
    return Promise.resolve({ groupId, holder, fencingToken: token });
  }
  releaseAll(holder: string): Promise<void> {
    for (const row of this.rows.values()) if (row.holder === holder) row.expiresAt = Date.now();
    return Promise.resolve();
  }
  lockForCommit(groupId: number): Promise<LockedLease | undefined> {
    const row = this.rows.get(groupId);
    return Promise.resolve(row && { holder: row.holder, fencingToken: row.token, lastEvalMs: row.lastEvalMs });
  }
  recordEvaluation(groupId: number, evalMs: number): Promise<void> {
    const row = this.rows.get(groupId);
    if (row) row.lastEvalMs = evalMs;
    return Promise.resolve();
  }
  lastEvaluations(): Promise<Map<number, { evalMs: number; durationMs: number }>> {
    return Promise.resolve(new Map());
  }
}

class MemoryAlerts implements Partial<AlertStateStore> {
  readonly states = new Map<number, readonly AlertState[]>();
  readonly appended: AlertTransition[] = [];
  statesOfGroup(groupId: number): Promise<AlertState[]> {
    return Promise.resolve([...(this.states.get(groupId) ?? [])]);
  }
  replaceGroupStates(groupId: number, _e: number, states: readonly AlertState[]): Promise<void> {
    this.states.set(groupId, states);
    return Promise.resolve();
  }
  appendTransitions(_g: number, _e: number, _t: number, transitions: readonly AlertTransition[]): Promise<number[]> {
    this.appended.push(...transitions);
    return Promise.resolve(transitions.map((_, i) => i));
  }
  recordRuleEvaluations(): Promise<void> {
    return Promise.resolve();
  }
}

const tx: Transactor = { inTransaction: (work) => work() };

describe('RuleEvaluator scheduling', () => {
  const reader = new FakeRuleReader();
  let leases: MemoryLeases;
  let alerts: MemoryAlerts;
  let stored: MeasureRow[];
  let metrics: RuleMetrics;
  const evaluators: RuleEvaluator[] = [];

  function evaluator(engine: FakeEngine, registry = new MetricsRegistry()): RuleEvaluator {
    metrics = new RuleMetrics(registry);
    const measures = { store: (rows: readonly MeasureRow[]) => (stored.push(...rows), Promise.resolve({ stored: rows.length, duplicates: 0 })) } as unknown as MeasureStore;
    const created = new RuleEvaluator(leases, alerts as unknown as AlertStateStore, measures, tx, metrics, logger, reader, engine, new FakeSeriesSources(), undefined, {
      refreshMs: 1_000,
      debounceMs: 100,
    });
    evaluators.push(created);
    return created;
  }

  const group: RuleGroup = { id: 5, experiment: 'EXP', experimentId: 1, name: 'g', intervalMs: 10_000, version: 1, rules: [alertRule(1, 'A', 'a')] };
  const offset = groupOffsetMs('EXP', 'g', 10_000);

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    leases = new MemoryLeases();
    alerts = new MemoryAlerts();
    stored = [];
    reader.groups = [group];
  });

  afterEach(async () => {
    for (const e of evaluators.splice(0)) await e.stop();
    jest.useRealTimers();
  });

  it('evaluates at the group slots (interval multiples plus its offset), with the slot as evaluation time', async () => {
    const engine = new FakeEngine();
    const times: number[] = [];
    const instant = engine.instant.bind(engine);
    engine.instant = (q, t) => (times.push(t), instant(q, t));
    await evaluator(engine).start();
    // Any 30 s window holds exactly three slots of a 10 s group.
    await jest.advanceTimersByTimeAsync(30_000);
    expect(times.length).toBe(3);
    for (const t of times) expect((((t - offset) % 10_000) + 10_000) % 10_000).toBe(0);
    expect(times[1]! - times[0]!).toBe(10_000);
  });

  it('of two evaluators, only the lease holder evaluates; the other takes over when it stops', async () => {
    const a = new FakeEngine();
    const b = new FakeEngine();
    a.results.set('a', [{ labels: {}, v: 1 }]);
    b.results.set('a', [{ labels: {}, v: 1 }]);
    const first = evaluator(a);
    const second = evaluator(b);
    await first.start();
    await second.start();
    await jest.advanceTimersByTimeAsync(50_000);
    expect(a.calls).toBe(5);
    expect(b.calls).toBe(0);
    await first.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(b.calls).toBe(1);
    // One firing transition in all: the taker read the state the first one committed.
    expect(alerts.appended.map((t) => t.to)).toEqual(['firing']);
    expect(leases.rows.get(5)?.token).toBe(2);
  });

  it('skips a slot that comes while the previous evaluation still runs', async () => {
    const engine = new FakeEngine();
    const registry = new MetricsRegistry();
    await evaluator(engine, registry).start();
    await jest.advanceTimersByTimeAsync(10_000);
    engine.hang();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(engine.calls).toBe(2);
    expect(await registry.registry.getSingleMetricAsString('mymonit_rule_group_iterations_missed_total')).toMatch(/rule_group="EXP\/g"} 2/);
    engine.resume();
  });

  it('evaluates the group of committed measures after the debounce, once for a burst, and never throws', async () => {
    const engine = new FakeEngine();
    const e = evaluator(engine);
    await e.start();
    await jest.advanceTimersByTimeAsync(10_000);
    const before = engine.calls;
    const measure = { experiment: 'EXP', metric: 'a', source: null, unit: null, value: 1, timestampUs: 1n, tags: {} };
    for (let i = 0; i < 5; i++) e.committed({ measures: [measure], exact: true });
    e.committed({ measures: [{ ...measure, experiment: 'OTHER' }], exact: true });
    expect(() => e.committed({ measures: null as unknown as [], exact: true })).not.toThrow();
    await jest.advanceTimersByTimeAsync(150);
    expect(engine.calls).toBe(before + 1);
    // A metric none of the group's rules reads does not trigger it.
    e.committed({ measures: [{ ...measure, metric: 'not_read' }], exact: true });
    await jest.advanceTimersByTimeAsync(150);
    expect(engine.calls).toBe(before + 1);
  });

  it('a lease ends 1.5 intervals after the slot, also when a commit triggered the evaluation late in the interval', async () => {
    const engine = new FakeEngine();
    const e = evaluator(engine);
    await e.start();
    await jest.advanceTimersByTimeAsync(10_000);
    const slot = leases.rows.get(5)!.lastEvalMs!;
    expect(leases.rows.get(5)!.expiresAt).toBe(slot + 15_000);
    // A commit 8 s after the slot: the evaluation it triggers must not extend the lease past the slot's.
    await jest.advanceTimersByTimeAsync(slot + 8_000 - Date.now());
    const measure = { experiment: 'EXP', metric: 'a', source: null, unit: null, value: 1, timestampUs: 1n, tags: {} };
    e.committed({ measures: [measure], exact: true });
    await jest.advanceTimersByTimeAsync(150);
    expect(leases.rows.get(5)!.lastEvalMs).toBe(slot + 8_100);
    expect(leases.rows.get(5)!.expiresAt).toBe(slot + 15_000);
  });

  it('a process that just started evaluates on committed measures before its first slot; one that found the lease held leaves them to its slots', async () => {
    const measure = { experiment: 'EXP', metric: 'a', source: null, unit: null, value: 1, timestampUs: 1n, tags: {} };
    const a = new FakeEngine();
    const b = new FakeEngine();
    const first = evaluator(a);
    const second = evaluator(b);
    const acquire = jest.spyOn(leases, 'acquire');
    await first.start();
    await second.start();
    expect(nextEvalSlot(Date.now(), 10_000, offset) - Date.now()).toBeGreaterThan(1_000);
    first.committed({ measures: [measure], exact: true });
    await jest.advanceTimersByTimeAsync(150);
    // No token yet (its first slot is seconds away), but it had never asked: it takes the free lease and evaluates.
    expect(a.calls).toBe(1);
    expect(leases.rows.get(5)?.holder).toBe(first.holder);
    second.committed({ measures: [measure], exact: true });
    await jest.advanceTimersByTimeAsync(150);
    second.committed({ measures: [measure], exact: true });
    await jest.advanceTimersByTimeAsync(150);
    // The other asks once, finds the lease held, and is not triggered again.
    expect(b.calls).toBe(0);
    expect(acquire.mock.calls.filter(([, holder]) => holder === second.holder)).toHaveLength(1);
  });

  it("a cheap group's triggered evaluation is held back neither by one slow run of it nor by the budget's debt", async () => {
    const engine = new FakeEngine();
    const instant = engine.instant.bind(engine);
    let delayMs = 0;
    engine.instant = async (q, t) => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return instant(q, t);
    };
    const e = evaluator(engine);
    await e.start();
    // Just after a slot (an evaluation of 0 ms): the next one is 10 s away.
    const slot = nextEvalSlot(Date.now(), 10_000, offset);
    await jest.advanceTimersByTimeAsync(slot + 100 - Date.now());
    expect(engine.calls).toBe(1);
    const measure = { experiment: 'EXP', metric: 'a', source: null, unit: null, value: 1, timestampUs: 1n, tags: {} };
    // One triggered run takes 5 s (a loaded machine): the budget, 10% of 1 s burst, is 4 s in debt.
    delayMs = 5_000;
    e.committed({ measures: [measure], exact: true });
    await jest.advanceTimersByTimeAsync(100 + 5_000);
    expect(engine.calls).toBe(2);
    delayMs = 0;
    e.committed({ measures: [measure], exact: true });
    await jest.advanceTimersByTimeAsync(100);
    // Evaluated at once, 4.7 s before its next slot, not left to it.
    expect(engine.calls).toBe(3);
    expect(Date.now()).toBeLessThan(slot + 10_000);
  });

  it('does nothing (and says so) when the engine or the rules are not wired', async () => {
    const warn = jest.fn();
    const bare = new RuleEvaluator(leases, alerts as unknown as AlertStateStore, {} as MeasureStore, tx, new RuleMetrics(new MetricsRegistry()), { ...logger, warn });
    await bare.start();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not started'));
    bare.committed({ measures: [], exact: true });
    await bare.stop();
  });
});

describe('RuleEvaluator and deleted groups', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('ends the alerts of a group that disappears, in one last evaluation by its holder', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    const reader = new FakeRuleReader();
    const leases = new MemoryLeases();
    const alerts = new MemoryAlerts();
    const engine = new FakeEngine();
    engine.results.set('a', [{ labels: {}, v: 1 }]);
    reader.groups = [{ id: 7, experiment: 'EXP', experimentId: 1, name: 'g', intervalMs: 10_000, version: 1, rules: [alertRule(1, 'A', 'a')] }];
    const measures = { store: () => Promise.resolve({ stored: 0, duplicates: 0 }) } as unknown as MeasureStore;
    const e = new RuleEvaluator(leases, alerts as unknown as AlertStateStore, measures, tx, new RuleMetrics(new MetricsRegistry()), logger, reader, engine, new FakeSeriesSources(), undefined, {
      refreshMs: 1_000,
    });
    await e.start();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(alerts.appended.map((t) => t.to)).toEqual(['firing']);
    reader.groups = [];
    await jest.advanceTimersByTimeAsync(1_000);
    expect(alerts.appended.map((t) => `${t.to}:${t.reason ?? ''}`)).toEqual(['firing:', 'resolved:rule removed']);
    expect(alerts.states.get(7)).toEqual([]);
    await e.stop();
  });
});
