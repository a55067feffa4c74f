import type { Value } from '../../../src/alerting/promql/values';
import type { Classify } from '../../../src/alerting/classify/classify';
import { rawFromJson } from '../../../src/alerting/rules/raw';
import { NotFoundError, ValidationError } from '../../../src/domain/errors';
import type { User } from '../../../src/domain/user';
import { ExperimentVisibility } from '../../../src/services/authorization';
import { RuleTestService, type InstantTest, type RangeTest } from '../../../src/services/rule-test-service';
import { FakeEngine, FakeSeriesSources } from '../../support/alerting-fakes';
import { fakeRuleCheckers } from '../../support/fake-rule-checkers';
import { inMemoryServices, type InMemoryServices } from '../../support/in-memory-services';

const T0 = 1_700_000_000_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** `hot` is present (value 10 + seconds/10) from T0+50s to T0+80s; `fails` always throws; the rest as FakeEngine. */
class TimedEngine extends FakeEngine {
  override async instant(query: string, timeMs: number): Promise<Value> {
    if (query !== 'hot') return super.instant(query, timeMs);
    this.calls += 1;
    const seconds = (timeMs - T0) / 1000;
    const present = seconds >= 50 && seconds <= 80;
    return { type: 'vector', samples: present ? [{ labels: new Map([['__name__', 'hot'], ['host', 'h1']]), t: timeMs, v: 10 + seconds / 10 }] : [] };
  }
}

/** critical once it has seen three values, minor before: shows the history is carried from step to step. */
const historyClassifier: Classify = {
  classify: async (_classifier, input) => (input.values.length >= 3 ? { severity: 'critical' } : { severity: 'minor' }),
};

describe('RuleTestService', () => {
  let s: InMemoryServices;
  let admin: User;
  let scientist: User;
  let engine: TimedEngine;
  let sources: FakeSeriesSources;
  let tests: RuleTestService;
  let ids: number[];

  beforeEach(async () => {
    s = inMemoryServices();
    admin = await s.createUser('ADMIN');
    scientist = await s.createUser('SCIENTIST');
    await s.experiments.create(admin, { code: 'SEEN', name: 'associated' });
    await s.experiments.create(admin, { code: 'HIDDEN', name: 'not associated' });
    await s.experiments.associate(admin, 'SEEN', scientist.id);
    const group = await s.rules.createGroup(admin, 'SEEN', {
      kind: 'json',
      raw: rawFromJson({
        name: 'g',
        interval: '10s',
        rules: [
          { alert: 'Hot', expr: 'hot', for: '20s', labels: { severity: 'major' }, annotations: { summary: '{{ $labels.host }} is {{ $value }}' } },
          { alert: 'Trend', expr: 'hot', classifier: { lua: 'return "minor"', history: 5 } },
          { record: 'job:up', expr: 'up', labels: { team: 'a' } },
          { alert: 'Down', expr: 'fails', labels: { severity: 'critical' } },
        ],
      }),
    });
    ids = group.rules.map((r) => r.id);
    engine = new TimedEngine();
    engine.results.set('up', [{ labels: { __name__: 'up', job: 'j' }, v: 1 }]);
    engine.failing.add('fails');
    sources = new FakeSeriesSources();
    tests = new RuleTestService(
      s.stores.rules,
      new ExperimentVisibility(s.stores.experiments),
      fakeRuleCheckers.expressions,
      fakeRuleCheckers.classifiers,
      engine,
      sources,
      historyClassifier,
    );
  });

  const window = (startS: number, endS: number, step?: string) =>
    rawFromJson({ start: iso(T0 + startS * 1000), end: iso(T0 + endS * 1000), ...(step ? { step } : {}) });

  it('simulates `for` over a window from no state: pending, firing two steps later, resolved when the element goes', async () => {
    const result = (await tests.testStored(admin, ids[0] ?? 0, window(0, 100))) as RangeTest;
    expect(result).toMatchObject({ kind: 'range', stepMs: 10_000, evaluations: 11, failedEvaluations: 0 });
    expect(result.transitions.map((t) => [t.from, t.to, t.severity, t.value, (t.atMs - T0) / 1000])).toEqual([
      ['inactive', 'pending', 'major', 15, 50],
      ['pending', 'firing', 'major', 17, 70],
      ['firing', 'resolved', 'major', 18, 90],
    ]);
    expect(result.transitions[0]?.labels).toEqual(new Map([['alertname', 'Hot'], ['host', 'h1'], ['severity', 'major']]));
    expect(result.states).toEqual([]);
    expect(sources.scopes).toEqual([{ kind: 'experiments', experimentIds: [expect.any(Number)] }]);
  });

  it('carries the classifier history from step to step, as the evaluator does', async () => {
    const result = (await tests.testStored(admin, ids[1] ?? 0, window(50, 70, '10s'))) as RangeTest;
    expect(result.transitions.map((t) => [t.from, t.to, t.severity, (t.atMs - T0) / 1000])).toEqual([
      ['inactive', 'firing', 'minor', 50],
      ['firing', 'firing', 'critical', 70],
    ]);
    expect(result.states.map((st) => [st.state, st.severity, st.values])).toEqual([['firing', 'critical', [15, 16, 17]]]);
  });

  it('an instant test gives the alert labels, severity, state and rendered annotations of each element', async () => {
    const result = (await tests.testStored(scientist, ids[0] ?? 0, rawFromJson({ time: iso(T0 + 60_000) }))) as InstantTest;
    expect(result).toMatchObject({ kind: 'instant', atMs: T0 + 60_000, health: 'ok' });
    expect(result.elements).toEqual([
      {
        labels: new Map([['alertname', 'Hot'], ['host', 'h1'], ['severity', 'major']]),
        value: 16,
        state: 'pending',
        severity: 'major',
        annotations: new Map([['summary', 'h1 is 16']]),
      },
    ]);
  });

  it('a recording rule gives the samples it would record; a failing expression is reported, not thrown', async () => {
    const recorded = (await tests.testStored(admin, ids[2] ?? 0, null)) as InstantTest;
    expect(recorded.elements).toEqual([{ labels: new Map([['__name__', 'job:up'], ['job', 'j'], ['team', 'a']]), value: 1 }]);
    const failed = (await tests.testStored(admin, ids[3] ?? 0, rawFromJson({}))) as InstantTest;
    expect(failed).toMatchObject({ health: 'err', error: 'fake failure of fails', elements: [] });
    const failing = (await tests.testStored(admin, ids[3] ?? 0, window(0, 20))) as RangeTest;
    expect(failing).toMatchObject({ evaluations: 3, failedEvaluations: 3, transitions: [], states: [] });
    expect(failing.errors).toHaveLength(3);
  });

  it('an unsaved rule is validated as on creation, paths relative to the rule', async () => {
    const ok = (await tests.testUnsaved(scientist, 'SEEN', rawFromJson({ alert: 'Draft', expr: 'hot', labels: { severity: 'minor' }, time: iso(T0 + 50_000) }))) as InstantTest;
    expect(ok.rule).toMatchObject({ id: 0, name: 'Draft' });
    expect(ok.elements).toEqual([expect.objectContaining({ severity: 'minor', state: 'firing', value: 15 })]);
    const bad = tests.testUnsaved(admin, 'SEEN', rawFromJson({ alert: 'B', expr: 'rate(syntax_error(x)[5m])', bogus: 1 }));
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toMatchObject({
      details: {
        errors: [
          { path: 'bogus', message: expect.stringContaining('"bogus" is not a known key') },
          { path: 'expr', message: 'rule (alert "B"): could not parse expression: 1:6: parse error: unknown function with name "syntax_error"' },
        ],
      },
    });
    expect(engine.calls).toBe(1);
  });

  it('refuses a bad window: too many steps, end before start, time and start together, unknown keys', async () => {
    await expect(tests.testStored(admin, ids[0] ?? 0, window(0, 11_000, '1s'))).rejects.toThrow(/11001 steps; at most 11000/);
    await expect(tests.testStored(admin, ids[0] ?? 0, window(10, 0))).rejects.toThrow('"end" is before "start"');
    await expect(tests.testStored(admin, ids[0] ?? 0, rawFromJson({ time: iso(T0), start: iso(T0), end: iso(T0) }))).rejects.toThrow(/not both/);
    await expect(tests.testStored(admin, ids[0] ?? 0, rawFromJson({ time: '2026-13-01' }))).rejects.toThrow(/RFC 3339/);
    await expect(tests.testStored(admin, ids[0] ?? 0, rawFromJson({ alert: 'X' }))).rejects.toThrow(/unknown keys "alert"/);
    await expect(tests.testStored(admin, ids[0] ?? 0, rawFromJson({ start: iso(T0), end: iso(T0), step: '0s' }))).rejects.toThrow(/positive/);
    expect(engine.calls).toBe(0);
  });

  it('a SCIENTIST gets "not found" for the rules and experiments not associated with them', async () => {
    const created = await s.rules.createGroup(admin, 'HIDDEN', { kind: 'json', raw: rawFromJson({ name: 'h', rules: [{ alert: 'A', expr: 'hot' }] }) });
    const [hidden] = created.rules;
    await expect(tests.testStored(scientist, hidden?.id ?? 0, null)).rejects.toBeInstanceOf(NotFoundError);
    await expect(tests.testUnsaved(scientist, 'HIDDEN', rawFromJson({ alert: 'A', expr: 'hot' }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(tests.testStored(admin, 999_999, null)).rejects.toBeInstanceOf(NotFoundError);
    expect((await tests.testStored(admin, hidden?.id ?? 0, null)).kind).toBe('instant');
    expect(engine.calls).toBe(1);
  });
});
