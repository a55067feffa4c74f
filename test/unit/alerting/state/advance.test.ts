import fc from 'fast-check';
import type { AlertElement, AlertRuleTiming, AlertState } from '../../../../src/alerting/state/alert-state';
import { alertLabels, fingerprint, severityLabel } from '../../../../src/alerting/state/alert-labels';
import { advance, DuplicateAlertLabelSetError, nextHistory } from '../../../../src/alerting/state/advance';
import { alertSamples } from '../../../../src/alerting/state/alert-series';
import type { Severity } from '../../../../src/alerting/rules/rule';

const rule = (forMs = 0, keepFiringForMs = 0, historyLength = 3): AlertRuleTiming => ({ id: 7, forMs, keepFiringForMs, historyLength });

function element(instance: string, value = 1, severity: Severity = 'critical', reason?: string): AlertElement {
  const labels = alertLabels('HighLoad', new Map(), new Map([['__name__', 'load'], ['instance', instance]]), value);
  return { labels, fingerprint: fingerprint(labels), value, severity, ...(reason === undefined ? {} : { reason }) };
}

/** Runs evaluations in order; returns every step's transitions. */
function run(timing: AlertRuleTiming, evals: Array<[number, AlertElement[]]>) {
  let states: readonly AlertState[] = [];
  const steps = [];
  for (const [at, elements] of evals) {
    const result = advance(timing, states, elements, at);
    states = result.states;
    steps.push(result);
  }
  return { states, steps };
}

describe('alert labels', () => {
  it('drops __name__, lets rule labels win, adds alertname, drops empty labels, sorts', () => {
    const labels = alertLabels(
      'X',
      new Map([['severity', 'major'], ['team', '']]),
      new Map([['__name__', 'm'], ['severity', 'minor'], ['b', '1'], ['a', '2']]),
      3,
    );
    expect([...labels]).toEqual([['a', '2'], ['alertname', 'X'], ['b', '1'], ['severity', 'major']]);
    expect(severityLabel(labels)).toBe('major');
    expect(severityLabel(new Map([['severity', 'warning']]))).toBeUndefined();
  });

  it('expands rule labels with the injected expander', () => {
    const labels = alertLabels('X', new Map([['summary', 'v={{ $value }}']]), new Map(), 4, (text, _l, v) => text.replace('{{ $value }}', String(v)));
    expect(labels.get('summary')).toBe('v=4');
  });

  it('fingerprints a label set whatever its order, and tells label sets apart', () => {
    expect(fingerprint(new Map([['a', '1'], ['b', '2']]))).toBe(fingerprint(new Map([['b', '2'], ['a', '1']])));
    expect(fingerprint(new Map([['a', '1b'], ['c', '2']]))).not.toBe(fingerprint(new Map([['a', '1'], ['bc', '2']])));
    expect(fingerprint(new Map())).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('advance (Prometheus 2.42 AlertingRule.Eval)', () => {
  it('for: 0 fires at the first evaluation, straight from inactive', () => {
    const { steps } = run(rule(0), [[1000, [element('a')]]]);
    expect(steps[0]?.transitions).toEqual([expect.objectContaining({ from: 'inactive', to: 'firing', atMs: 1000, value: 1, severity: 'critical' })]);
    expect(steps[0]?.states[0]).toMatchObject({ state: 'firing', activeAtMs: 1000, firedAtMs: 1000 });
  });

  it('pending while for has not elapsed, firing at the first evaluation where ts - activeAt >= for', () => {
    const e = element('a');
    const { steps } = run(rule(30_000), [[0, [e]], [15_000, [e]], [29_999, [e]], [30_000, [e]], [45_000, [e]]]);
    expect(steps.map((s) => s.transitions.map((t) => `${t.from}->${t.to}`))).toEqual([['inactive->pending'], [], [], ['pending->firing'], []]);
    expect(steps[3]?.states[0]).toMatchObject({ activeAtMs: 0, firedAtMs: 30_000 });
  });

  it('a pending alert whose element disappears goes back to inactive and its row goes', () => {
    const e = element('a');
    const { steps } = run(rule(60_000), [[0, [e]], [15_000, []], [30_000, [e]]]);
    expect(steps[1]?.transitions).toEqual([expect.objectContaining({ from: 'pending', to: 'inactive', atMs: 15_000 })]);
    expect(steps[1]?.states).toEqual([]);
    // Back again: a new activeAt, the for clock starts over.
    expect(steps[2]?.states[0]).toMatchObject({ state: 'pending', activeAtMs: 30_000 });
  });

  it('a firing alert whose element disappears is resolved, with its last value', () => {
    const { steps } = run(rule(0), [[0, [element('a', 5)]], [15_000, []], [30_000, []]]);
    expect(steps[1]?.transitions).toEqual([expect.objectContaining({ from: 'firing', to: 'resolved', value: 5, atMs: 15_000 })]);
    expect(steps[2]?.transitions).toEqual([]);
  });

  it('keep_firing_for holds a firing alert while ts - keepFiringSince < keep_firing_for', () => {
    const e = element('a');
    const { steps } = run(rule(0, 30_000), [[0, [e]], [15_000, []], [30_000, []], [45_000, []], [60_000, []]]);
    expect(steps.map((s) => s.transitions.map((t) => t.to))).toEqual([['firing'], [], [], ['resolved'], []]);
    expect(steps[2]?.states[0]).toMatchObject({ state: 'firing', keepFiringSinceMs: 15_000 });
  });

  it('an element back during keep_firing_for resets keepFiringSince', () => {
    const e = element('a');
    const { steps } = run(rule(0, 30_000), [[0, [e]], [15_000, []], [30_000, [e]], [45_000, []], [60_000, []], [75_000, []]]);
    expect(steps.map((s) => s.transitions.map((t) => t.to))).toEqual([['firing'], [], [], [], [], ['resolved']]);
    expect(steps[2]?.states[0]?.keepFiringSinceMs).toBeUndefined();
  });

  it('keep_firing_for does not hold a pending alert', () => {
    const e = element('a');
    const { steps } = run(rule(60_000, 60_000), [[0, [e]], [15_000, []]]);
    expect(steps[1]?.transitions.map((t) => t.to)).toEqual(['inactive']);
  });

  it('a classifier saying ok resolves a firing alert and keeps the row as inactive with its history', () => {
    const { steps } = run(rule(0), [[0, [element('a', 9)]], [15_000, [element('a', 1, 'ok')]], [30_000, [element('a', 2, 'ok')]], [45_000, [element('a', 8, 'major')]]]);
    expect(steps[1]?.transitions).toEqual([expect.objectContaining({ from: 'firing', to: 'resolved', severity: 'ok', value: 1 })]);
    expect(steps[1]?.states[0]).toMatchObject({ state: 'inactive', resolvedAtMs: 15_000, values: [9, 1] });
    expect(steps[2]?.transitions).toEqual([]);
    expect(steps[2]?.states[0]).toMatchObject({ state: 'inactive', resolvedAtMs: 15_000, values: [9, 1, 2] });
    expect(steps[3]?.transitions).toEqual([expect.objectContaining({ from: 'inactive', to: 'firing', severity: 'major' })]);
    expect(steps[3]?.states[0]).toMatchObject({ activeAtMs: 45_000, values: [1, 2, 8] });
  });

  it('an element classified ok from the start raises nothing and keeps its history', () => {
    const { steps } = run(rule(0), [[0, [element('a', 1, 'ok')]]]);
    expect(steps[0]?.transitions).toEqual([]);
    expect(steps[0]?.states[0]).toMatchObject({ state: 'inactive', values: [1] });
  });

  it('a severity change while firing is a transition; while pending it is not', () => {
    const { steps } = run(rule(30_000), [
      [0, [element('a', 1, 'minor')]],
      [15_000, [element('a', 2, 'major')]],
      [30_000, [element('a', 3, 'major')]],
      [45_000, [element('a', 4, 'critical')]],
      [60_000, [element('a', 5, 'critical', 'other reason')]],
      [75_000, [element('a', 6, 'unknown', 'lua: timeout')]],
    ]);
    expect(steps.map((s) => s.transitions.map((t) => `${t.from}->${t.to}:${t.severity}`))).toEqual([
      ['inactive->pending:minor'],
      [],
      ['pending->firing:major'],
      ['firing->firing:critical'],
      [],
      ['firing->firing:unknown'],
    ]);
    expect(steps[5]?.transitions[0]?.reason).toBe('lua: timeout');
  });

  it('keeps the value history bounded, oldest first, and replaces the value of a repeated evaluation time', () => {
    const { states } = run(rule(0, 0, 2), [[0, [element('a', 1)]], [1, [element('a', 2)]], [2, [element('a', 3)]]]);
    expect(states[0]?.values).toEqual([2, 3]);
    const previous = states[0];
    expect(nextHistory(previous, 4, 2, 2)).toEqual([2, 4]);
    expect(nextHistory(undefined, 4, 2, 0)).toEqual([4]);
  });

  it('refuses two elements raising the same alert', () => {
    expect(() => advance(rule(), [], [element('a'), element('a')], 0)).toThrow(DuplicateAlertLabelSetError);
  });

  it('ignores states of other rules', () => {
    const other = advance({ ...rule(), id: 8 }, [], [element('a')], 0).states;
    expect(advance(rule(), other, [], 1)).toEqual({ states: [], transitions: [] });
  });

  it('writes ALERTS and ALERTS_FOR_STATE for active alerts only', () => {
    const { states } = run(rule(60_000), [[1_500, [element('a'), element('b', 1, 'ok')]]]);
    const samples = alertSamples(states);
    expect(samples.map((s) => [s.labels.get('__name__'), s.labels.get('alertstate'), s.labels.get('instance'), s.value])).toEqual([
      ['ALERTS', 'pending', 'a', 1],
      ['ALERTS_FOR_STATE', undefined, 'a', 1],
    ]);
  });
});

describe('advance: properties', () => {
  const severity = fc.constantFrom<Severity>('ok', 'minor', 'major', 'critical', 'unknown');
  // Up to 3 label sets, present or not, with a severity, at each evaluation.
  const evaluation = fc.array(fc.record({ instance: fc.constantFrom('a', 'b', 'c'), value: fc.integer({ min: -5, max: 5 }), severity }), { maxLength: 3 })
    .map((items) => {
      const unique = new Map(items.map((i) => [i.instance, i]));
      return [...unique.values()].map((i) => element(i.instance, i.value, i.severity));
    });
  const scenario = fc.record({
    forMs: fc.constantFrom(0, 10, 25, 60),
    keepFiringForMs: fc.constantFrom(0, 10, 30),
    gaps: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 25 }),
    evals: fc.array(evaluation, { minLength: 25, maxLength: 25 }),
  });

  function replay(s: { forMs: number; keepFiringForMs: number; gaps: number[]; evals: AlertElement[][] }) {
    let at = 0;
    return s.gaps.map((gap, i) => {
      at += gap;
      return [at, s.evals[i] ?? []] as [number, AlertElement[]];
    });
  }

  it('emits a transition only when the state or, while firing, the severity changes; and every change is one', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let states: readonly AlertState[] = [];
        for (const [at, elements] of replay(s)) {
          const before = new Map(states.map((st) => [st.fingerprint, st]));
          const result = advance(rule(s.forMs, s.keepFiringForMs), states, elements, at);
          const after = new Map(result.states.map((st) => [st.fingerprint, st]));
          const changed = new Set<string>();
          for (const fp of new Set([...before.keys(), ...after.keys()])) {
            const b = before.get(fp);
            const a = after.get(fp);
            const from = b?.state ?? 'inactive';
            const to = a?.state ?? 'inactive';
            if (from !== to || (from === 'firing' && to === 'firing' && b?.severity !== a?.severity)) changed.add(fp);
          }
          expect(new Set(result.transitions.map((t) => t.fingerprint))).toEqual(changed);
          expect(result.transitions.length).toBe(changed.size);
          states = result.states;
        }
      }),
    );
  });

  it('never fires before for has elapsed since activeAt, and activeAt is the first evaluation of the episode', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let states: readonly AlertState[] = [];
        for (const [at, elements] of replay(s)) {
          states = advance(rule(s.forMs, s.keepFiringForMs), states, elements, at).states;
          for (const st of states) {
            if (st.state === 'firing') expect((st.firedAtMs ?? -1) - (st.activeAtMs ?? Infinity)).toBeGreaterThanOrEqual(s.forMs);
            if (st.state !== 'inactive') expect(st.activeAtMs).toBeLessThanOrEqual(at);
          }
        }
      }),
    );
  });

  it('replaying an evaluation at the same time changes nothing and emits nothing', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let states: readonly AlertState[] = [];
        for (const [at, elements] of replay(s)) {
          const first = advance(rule(s.forMs, s.keepFiringForMs), states, elements, at);
          const again = advance(rule(s.forMs, s.keepFiringForMs), first.states, elements, at);
          expect(again.transitions).toEqual([]);
          expect(again.states).toEqual(first.states);
          states = first.states;
        }
      }),
    );
  });

  it('a resolved transition always follows a firing one of the same alert, and pending never resolves', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { steps } = run(rule(s.forMs, s.keepFiringForMs), replay(s));
        const last = new Map<string, string>();
        for (const t of steps.flatMap((st) => st.transitions)) {
          expect(t.from).toBe(last.get(t.fingerprint) ?? 'inactive');
          if (t.to === 'resolved') expect(t.from).toBe('firing');
          if (t.to === 'inactive') expect(t.from).toBe('pending');
          last.set(t.fingerprint, t.to === 'resolved' ? 'inactive' : t.to);
        }
      }),
    );
  });
});
