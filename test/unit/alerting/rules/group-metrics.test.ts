import { groupMetricNames } from '../../../../src/alerting/rules/group-metrics';
import type { RuleGroup, StoredRule } from '../../../../src/alerting/rules/rule';

function group(...exprs: string[]): RuleGroup {
  const rules: StoredRule[] = exprs.map((expr, i) => ({ id: i + 1, kind: 'record', name: `r${i}`, expr, labels: new Map() }));
  return { id: 1, experiment: 'E', experimentId: 1, name: 'g', intervalMs: 15_000, rules, version: 1 };
}

describe('groupMetricNames: what committed measures can trigger a group', () => {
  it('collects the metric names of every selector, through functions, aggregations, operators and subqueries', () => {
    const names = groupMetricNames(
      group('rate(a_total[5m]) > 1', 'sum by (x) (b) / on (x) group_left c', 'max_over_time(d[10m:1m] offset 5m)', 'topk(scalar(k), e)', 'vector(1)'),
    );
    expect([...(names ?? [])].sort()).toEqual(['a_total', 'b', 'c', 'd', 'e', 'k']);
  });

  it('is undefined (any metric) when a selector has no fixed name', () => {
    expect(groupMetricNames(group('a', '{__name__=~"b.*"}'))).toBeUndefined();
    expect(groupMetricNames(group('{experiment="E"}'))).toBeUndefined();
    expect(groupMetricNames(group('absent(nope{__name__!="x", a="b"})'))).toBeUndefined();
  });

  it('is undefined when an expression does not parse (stored before a check, say): safer to evaluate', () => {
    expect(groupMetricNames(group('rate(a[5m]'))).toBeUndefined();
  });
});
