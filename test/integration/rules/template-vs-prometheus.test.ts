import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { checkTemplate, compileTemplate, renderTemplate } from '../../../src/alerting/rules/template';
import { formatRuleFile } from '../../../src/alerting/rules/rule-file';
import { promtool } from '../../support/promtool';

/**
 * The supported template forms render exactly as Prometheus 2.42 renders them: promtool's rule unit
 * test expands the same annotations over the same series, and its report of the alerts is the oracle.
 */
const TEMPLATES = [
  '{{ $value }}',
  '{{ humanize $value }}',
  '{{ $value | humanize }}',
  '{{ humanizeDuration $value }}',
  '{{ humanizePercentage $value }}',
  '{{ printf "%.2f" $value }}',
  '{{ printf "%.0f|%e|%g|%v|%.3e|%10.4f|%-8.1f|" $value $value $value $value $value $value $value }}',
  '{{ printf "%d" $value }}',
  '{{ printf "%s=%v" $labels.job $value }}',
  '{{ printf "%d %d" 3 }}',
  '{{ printf "%s" 3 1.5 }}',
  '{{ printf "%+.1f|%05.1f|%+v|%8v|%-6g|" $value $value $value $value $value }}',
  '[{{ $labels.nope }}][{{ index $labels "nope" }}][{{ $externalLabels.region }}]',
  '{{ $labels.instance }} / {{ index $labels "job" }}',
  '{{ toUpper $labels.instance }} {{ $labels.instance | toLower }}',
  '{{ $value | humanize | toUpper }}',
  'a  {{- $labels.instance -}}  b {{/* note */}}c',
  '{{ humanize $labels.instance }}',
  '{{ humanize 1500 }} {{ humanizeDuration 90.5 }} {{ humanizePercentage 0.5 }}',
];

/** Random templates of supported pieces that MyMONIT accepts: Prometheus must accept them and agree. */
const PIECES = fc.constantFrom(
  '{{ $value }}', '{{ $labels.instance }}', '{{ $labels.job | toUpper }}', '{{ humanize $value }}', '{{ $value | humanizeDuration }}',
  '{{ humanizePercentage $value }}', '{{ printf "%.3g|%5.2f|%-7v|%e" $value $value $value $value }}', '{{- ', ' -}}', ' ', '\n',
  'text', '{{ index $labels "job" | toLower }}', '{{ printf "%s:%d" $labels.instance 7 }}', '{{/* c */}}', '{{ humanize 12345.678 }}',
);
const RANDOM = fc
  .sample(fc.array(PIECES, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')), { numRuns: 200, seed: 42 })
  .filter((template) => checkTemplate(template) === undefined);

const VALUES = ['0', '1', '1234567.891', '0.000001234', '0.125', '0.375', '-1500', '999.95', '1e30', '1e-30', '59.9', '3661', '-90', '86400.5', '2.675', 'NaN', '+Inf', '-Inf', '100000', '1e21', '123456789'];

/** Go's %q strings of promtool's report, unquoted (ASCII only here, where %q and JSON agree). */
function unquoteAll(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) map.set(m[1] ?? '', JSON.parse(`"${m[2] ?? ''}"`) as string);
  return map;
}

describe('alert templates against Prometheus 2.42 (promtool test rules)', () => {
  it('renders every supported form over every value exactly as Prometheus does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-templates-'));
    try {
      const ALL = [...TEMPLATES, ...RANDOM];
      const annotations = new Map(ALL.map((t, i) => [`a${i}`, t]));
      fs.writeFileSync(
        path.join(dir, 'rules.yml'),
        formatRuleFile([{ name: 't', intervalMs: 60_000, rules: [{ kind: 'alert', name: 'T', expr: 'm', forMs: 0, keepFiringForMs: 0, labels: new Map(), annotations }] }]),
      );
      const series = VALUES.map((v, i) => `      - series: 'm{instance="Host-${i}", job="v${i}"}'\n        values: '${v}'`).join('\n');
      fs.writeFileSync(
        path.join(dir, 'test.yml'),
        `rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n${series}\n    alert_rule_test:\n      - eval_time: 0m\n        alertname: T\n        exp_alerts: []\n`,
      );
      expect(RANDOM.length).toBeGreaterThan(50);
      expect(promtool(['check', 'rules', path.join(dir, 'rules.yml')]).status).toBe(0);
      const report = promtool(['test', 'rules', path.join(dir, 'test.yml')]).output;
      const alerts = [...report.matchAll(/Labels:\{([^}]*)\}\s*Annotations:\{(.*)\},?\s*$/gm)];
      expect(alerts).toHaveLength(VALUES.length);
      const mismatches: string[] = [];
      for (const [, labelText = '', annotationText = ''] of alerts) {
        const labels = unquoteAll(labelText);
        labels.delete('alertname');
        const value = Number(VALUES[Number((labels.get('job') ?? '').slice(1))]?.replace('Inf', 'Infinity'));
        const expected = unquoteAll(annotationText);
        ALL.forEach((template, i) => {
          const ours = renderTemplate(compileTemplate(template), { labels, value });
          const theirs = expected.get(`a${i}`) ?? '';
          const comparable = theirs.startsWith('<error expanding template') ? ours.startsWith('<error expanding template') : ours === theirs;
          if (!comparable) mismatches.push(`${template} with ${value}: MyMONIT ${JSON.stringify(ours)}, Prometheus ${JSON.stringify(theirs)}`);
        });
      }
      expect(mismatches).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
