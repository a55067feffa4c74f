import type { Classify } from '../../../src/alerting/classify/classify';
import type { RuleGroup } from '../../../src/alerting/rules/rule';
import type { AlertState } from '../../../src/alerting/state/alert-state';
import { evaluateGroup } from '../../../src/services/group-evaluation';
import { measureRowsOf } from '../../../src/services/sample-measures';
import { alertRule, FakeEngine } from '../../support/alerting-fakes';

const source = { select: () => Promise.resolve([]) };

function group(rules: RuleGroup['rules']): RuleGroup {
  return { id: 1, experiment: 'EXP', experimentId: 9, name: 'g', intervalMs: 15_000, rules, version: 1 };
}

describe('evaluateGroup', () => {
  it('raises alerts with the severity label, writes ALERTS, records recording rules with their labels', async () => {
    const engine = new FakeEngine();
    engine.results.set('up == 0', [{ labels: { __name__: 'up', instance: 'a' }, v: 0 }]);
    engine.results.set('sum(x)', [{ labels: { job: 'j' }, v: 3 }]);
    const evaluation = await evaluateGroup(
      group([alertRule(1, 'Down', 'up == 0'), { kind: 'record', id: 2, name: 'job:x:sum', expr: 'sum(x)', labels: new Map([['team', 't']]) }]),
      [],
      1_000,
      { engine, source },
    );
    expect(evaluation.transitions).toEqual([expect.objectContaining({ from: 'inactive', to: 'firing', severity: 'major' })]);
    expect(evaluation.rules.map((r) => r.health)).toEqual(['ok', 'ok']);
    expect(evaluation.samples.map((s) => [...s.labels])).toEqual([
      [['__name__', 'ALERTS'], ['alertname', 'Down'], ['alertstate', 'firing'], ['instance', 'a'], ['severity', 'major']],
      [['__name__', 'ALERTS_FOR_STATE'], ['alertname', 'Down'], ['instance', 'a'], ['severity', 'major']],
      [['__name__', 'job:x:sum'], ['job', 'j'], ['team', 't']],
    ]);
    const rows = measureRowsOf(group([]), evaluation.samples, 1_000);
    expect(rows.map((r) => [r.metric, r.value, r.timestampUs, r.experimentId, { ...r.tags }])).toEqual([
      ['ALERTS', 1, 1_000_000n, 9, { alertname: 'Down', alertstate: 'firing', instance: 'a', severity: 'major' }],
      ['ALERTS_FOR_STATE', 1, 1_000_000n, 9, { alertname: 'Down', instance: 'a', severity: 'major' }],
      ['job:x:sum', 3, 1_000_000n, 9, { job: 'j', team: 't' }],
    ]);
  });

  it('a failing rule keeps its states and is unhealthy; the others go on', async () => {
    const engine = new FakeEngine();
    const first = await evaluateGroup(group([alertRule(1, 'A', 'a')]), [], 0, { engine: withResult(engine, 'a', 1), source });
    engine.failing.add('a');
    const second = await evaluateGroup(group([alertRule(1, 'A', 'a'), alertRule(2, 'B', 'b')]), first.states, 15_000, { engine, source });
    expect(second.rules).toEqual([
      expect.objectContaining({ ruleId: 1, health: 'err', lastError: 'fake failure of a' }),
      expect.objectContaining({ ruleId: 2, health: 'ok' }),
    ]);
    expect(second.states).toEqual(first.states);
    expect(second.transitions).toEqual([]);
  });

  it('ends the alerts of a rule removed from the group', async () => {
    const engine = withResult(new FakeEngine(), 'a', 1);
    const first = await evaluateGroup(group([alertRule(1, 'A', 'a')]), [], 0, { engine, source });
    const second = await evaluateGroup(group([]), first.states, 15_000, { engine, source });
    expect(second.transitions).toEqual([expect.objectContaining({ from: 'firing', to: 'resolved', reason: 'rule removed' })]);
    expect(second.states).toEqual([]);
  });

  it('classifies with the value history, and a failing or missing classifier yields unknown with the reason', async () => {
    const engine = withResult(new FakeEngine(), 'v', 5);
    const seen: number[][] = [];
    const classify: Classify = {
      classify: (_c, input) => {
        seen.push([...input.values]);
        return Promise.resolve({ severity: input.values.length >= 2 ? 'critical' : 'ok' });
      },
    };
    const rule = alertRule(1, 'V', 'v', { classifier: { kind: 'lua', code: 'return "ok"', history: 2 }, labels: new Map() });
    let states: readonly AlertState[] = [];
    const transitions = [];
    for (const at of [0, 15_000, 30_000]) {
      const evaluation = await evaluateGroup(group([rule]), states, at, { engine, source, classify });
      states = evaluation.states;
      transitions.push(...evaluation.transitions);
    }
    expect(seen).toEqual([[5], [5, 5], [5, 5]]);
    expect(transitions).toEqual([expect.objectContaining({ to: 'firing', severity: 'critical', atMs: 15_000 })]);

    const failing: Classify = { classify: () => Promise.reject(new Error('boom')) };
    const failed = await evaluateGroup(group([rule]), [], 0, { engine, source, classify: failing });
    expect(failed.transitions[0]).toMatchObject({ severity: 'unknown', reason: 'classifier failed: boom' });
    expect(failed.classifierFailures).toBe(1);
    const missing = await evaluateGroup(group([rule]), [], 0, { engine, source });
    expect(missing.transitions[0]).toMatchObject({ severity: 'unknown', reason: 'no classifier engine in this process' });
  });

  it('an alert without a usable severity label is unknown, saying why', async () => {
    const engine = withResult(new FakeEngine(), 'w', 1);
    const none = await evaluateGroup(group([alertRule(1, 'W', 'w', { labels: new Map() })]), [], 0, { engine, source });
    expect(none.transitions[0]).toMatchObject({ severity: 'unknown', reason: 'no severity label' });
    const warning = await evaluateGroup(group([alertRule(1, 'W', 'w', { labels: new Map([['severity', 'warning']]) })]), [], 0, { engine, source });
    expect(warning.transitions[0]).toMatchObject({ severity: 'unknown', reason: 'severity label "warning" is not a severity' });
  });

  it('refuses a recording result with duplicate label sets, and leaves out samples a measure cannot hold', async () => {
    const engine = new FakeEngine();
    engine.results.set('dup', [{ labels: { __name__: 'a' }, v: 1 }, { labels: { __name__: 'b' }, v: 2 }]);
    const evaluation = await evaluateGroup(group([{ kind: 'record', id: 3, name: 'r', expr: 'dup', labels: new Map() }]), [], 0, { engine, source });
    expect(evaluation.rules[0]).toMatchObject({ health: 'err', lastError: 'vector contains metrics with the same labelset after applying rule labels' });
    const rows = measureRowsOf(group([]), [
      { labels: new Map([['__name__', 'n']]), value: NaN },
      { labels: new Map([['__name__', 'n'], ['long', 'x'.repeat(129)]]), value: 1 },
      { labels: new Map([['__name__', 'n'], ['source', 'h:1'], ['unit', 's'], ['experiment', 'EXP']]), value: 1 },
    ], 0);
    expect(rows).toEqual([expect.objectContaining({ metric: 'n', source: 'h:1', unit: 's', tags: {} })]);
  });
});

function withResult(engine: FakeEngine, expr: string, v: number): FakeEngine {
  engine.results.set(expr, [{ labels: { instance: 'i' }, v }]);
  return engine;
}
