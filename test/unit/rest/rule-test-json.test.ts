import type { StoredRule } from '../../../src/alerting/rules/rule';
import { ruleTestJson } from '../../../src/rest/resources/rule-tests';

const rule: StoredRule = { kind: 'alert', id: 0, name: 'A', expr: 'x', forMs: 0, keepFiringForMs: 0, labels: new Map(), annotations: new Map() };

describe('rule test JSON', () => {
  it('writes the values JSON cannot carry as Prometheus strings, and an unsaved rule without its id', () => {
    const json = ruleTestJson({
      kind: 'instant',
      rule,
      atMs: 0,
      health: 'ok',
      elements: [NaN, Infinity, -Infinity, 1.5].map((value) => ({ labels: new Map([['__proto__', 'kept']]), value })),
    });
    expect(json.rule).toEqual({ alert: 'A', expr: 'x', for: '0s', keep_firing_for: '0s', labels: {}, annotations: {} });
    const elements = json.elements as { value: unknown; labels: Record<string, string> }[];
    expect(elements.map((e) => e.value)).toEqual(['NaN', '+Inf', '-Inf', 1.5]);
    expect(Object.getOwnPropertyDescriptor(elements[0]?.labels, '__proto__')?.value).toBe('kept');
    expect(json.time).toBe('1970-01-01T00:00:00.000Z');
  });

  it('a window gives its step as a duration and the times as RFC 3339', () => {
    const json = ruleTestJson({
      kind: 'range',
      rule: { ...rule, id: 7 },
      startMs: 0,
      endMs: 60_000,
      stepMs: 30_000,
      evaluations: 3,
      failedEvaluations: 0,
      errors: [],
      transitions: [{ labels: new Map(), from: 'inactive', to: 'firing', severity: 'critical', value: 2, atMs: 30_000 }],
      states: [],
    });
    expect(json).toMatchObject({ rule: { id: 7 }, start: '1970-01-01T00:00:00.000Z', end: '1970-01-01T00:01:00.000Z', step: '30s', evaluations: 3 });
    expect(json.transitions).toEqual([{ labels: {}, from: 'inactive', to: 'firing', severity: 'critical', value: 2, at: '1970-01-01T00:00:30.000Z' }]);
  });
});
