import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { IngestMetrics } from '../../../src/metrics/ingest-metrics';
import { LogMetrics } from '../../../src/metrics/log-metrics';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';
import { RestMetrics } from '../../../src/metrics/rest-metrics';
import { promtool } from '../../support/promtool';

/**
 * What operators install to watch MyMONIT: deploy/prometheus (rules, their promtool unit tests, the compose
 * scrape config) and deploy/grafana/mymonit.json. Checked with the real promtool, and against the names the
 * platform exports.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROMETHEUS = path.join(ROOT, 'deploy', 'prometheus');
const RULES = path.join(PROMETHEUS, 'mymonit-rules.yml');
const read = (file: string) => fs.readFileSync(file, 'utf8');

interface Rule {
  alert: string;
  expr: string;
}
const rules = (parse(read(RULES)) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(read(path.join(ROOT, 'deploy', 'grafana', 'mymonit.json'))) as {
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  templating: { list: Array<{ definition?: string }> };
};
const dashboardExpressions = [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
];

/** Every series name a process with all components (REST, consumer, log shipping) exports, histograms expanded. */
async function exportedNames(): Promise<Set<string>> {
  const registry = new MetricsRegistry();
  new RestMetrics(registry);
  new IngestMetrics(registry).consuming();
  new LogMetrics(registry, { stats: () => ({ enabled: true, capacity: 1, queued: 0, sent: 0, dropped: { app: 0, audit: 0 } }) });
  const names = new Set<string>(['up']); // added by Prometheus to every target
  for (const metric of await registry.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

/** The metric names a PromQL expression reads (MyMONIT's and the default process ones, and `up`). */
function referencedNames(expression: string): string[] {
  const withoutStrings = expression.replace(/"[^"]*"/g, '""');
  return [...withoutStrings.matchAll(/\b(up|mymonit_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
}

describe('deploy/prometheus and deploy/grafana', () => {
  it('the rule file passes `promtool check rules`', () => {
    const result = promtool(['check', 'rules', RULES]);
    console.log(`promtool check rules deploy/prometheus/mymonit-rules.yml: exit ${result.status}\n${result.output}`);
    expect(result.status).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('every alert fires in the situation it names and stays quiet in a healthy one (`promtool test rules`)', () => {
    const result = promtool(['test', 'rules', path.join(PROMETHEUS, 'mymonit-rules.test.yml')]);
    console.log(`promtool test rules deploy/prometheus/mymonit-rules.test.yml: exit ${result.status}\n${result.output}`);
    expect(result.status).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('every alert has a unit test that expects it to fire', () => {
    const tests = parse(read(path.join(PROMETHEUS, 'mymonit-rules.test.yml'))) as {
      tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
    };
    const firing = new Set(tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect(rules.map((rule) => rule.alert).filter((alert) => !firing.has(alert))).toEqual([]);
  });

  it('the compose scrape config passes `promtool check config`', () => {
    const result = promtool(['check', 'config', path.join(PROMETHEUS, 'prometheus.yml')]);
    expect(result.output).toMatch(/is valid prometheus config file syntax/);
    expect(result.status).toBe(0);
  });

  it('every metric the rules and the dashboard read is one the platform exports', async () => {
    const exported = await exportedNames();
    const referenced = new Map<string, string>();
    for (const rule of rules) for (const name of referencedNames(rule.expr)) referenced.set(name, `rule ${rule.alert}`);
    for (const expression of dashboardExpressions) for (const name of referencedNames(expression)) referenced.set(name, 'dashboard');
    expect(referenced.size).toBeGreaterThan(15);
    expect([...referenced].filter(([name]) => !exported.has(name))).toEqual([]);
  });

  it('the name check itself catches a metric that does not exist (or lost its prefix)', async () => {
    const exported = await exportedNames();
    const names = referencedNames('rate(mymonit_process_process_cpu_seconds_total[5m]) + mymonit_ingest_consumer_connected{job="x"}');
    expect(names).toEqual(['mymonit_process_process_cpu_seconds_total', 'mymonit_ingest_consumer_connected']);
    expect(names.filter((name) => !exported.has(name))).toEqual(['mymonit_process_process_cpu_seconds_total']);
  });

  it('the dashboard is one importable Grafana dashboard: a uid, a data source variable, unique panel ids, no hard-coded data source', () => {
    const text = read(path.join(ROOT, 'deploy', 'grafana', 'mymonit.json'));
    const parsed = JSON.parse(text) as { uid: string; panels: Array<{ id: number }>; templating: { list: Array<{ name: string; type: string }> } };
    expect(parsed.uid).toBe('mymonit-self');
    expect(parsed.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
    const ids = parsed.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const uids = [...text.matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1]).filter((uid) => uid !== 'mymonit-self');
    expect(new Set(uids)).toEqual(new Set(['${datasource}']));
  });
});
