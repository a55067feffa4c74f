import fs from 'node:fs';

/**
 * The bench:alerts workload, generated the same way for MyMONIT (measure JSON) and for Prometheus
 * (OpenMetrics for `promtool tsdb create-blocks-from openmetrics`): `metrics` x `sources` series, one sample
 * each every `stepMs` from `startMs`, and a rule file of `rules` alerting rules in groups of `groupSize`.
 */

export const EXPERIMENT = 'BENCH';
export const LATENCY_METRIC = 'bench_latency_trigger';
export const LATENCY_SOURCE = 'latency';
export const LATENCY_ALERT = 'BenchLatency';
export const LATENCY_GROUP = 'latency';

export interface WorkloadSize {
  metrics: number;
  sources: number;
  samples: number;
  stepMs: number;
  startMs: number;
  rules: number;
  groupSize: number;
  /** Group interval as a Prometheus duration ("15s"). */
  interval: string;
}

export class Workload {
  readonly series: number;
  readonly measures: number;

  constructor(readonly size: WorkloadSize) {
    this.series = size.metrics * size.sources;
    this.measures = this.series * size.samples;
  }

  /** Even metrics are gauges, odd ones counters (Prometheus naming: `_total`). */
  metricName(k: number): string {
    return k % 2 === 0 ? `bench_gauge_${k}` : `bench_requests_${k}_total`;
  }

  sourceName(s: number): string {
    return `probe-${s}`;
  }

  timestampMs(i: number): number {
    return this.size.startMs + i * this.size.stepMs;
  }

  /** Sample i of series (k, s): gauges wander around a per-series level in 0..100, counters grow at a per-series rate. */
  value(k: number, s: number, i: number): number {
    if (k % 2 === 0) {
      const level = (k * 31 + s * 17) % 100;
      return level + ((i * 7 + s) % 11) - 5;
    }
    const perStep = 1 + ((k * 7 + s * 13) % 50);
    return perStep * i;
  }

  /** Measure `index` of the ingest order: every series once per step (a scrape round), rounds in time order. */
  measureJson(index: number, shiftSteps = 0): string {
    const i = Math.floor(index / this.series);
    const within = index % this.series;
    const k = Math.floor(within / this.size.sources);
    const s = within % this.size.sources;
    return (
      `{"experiment":"${EXPERIMENT}","metric":"${this.metricName(k)}","source":"${this.sourceName(s)}",` +
      `"value":${this.value(k, s, i)},"timestamp":${this.timestampMs(i + shiftSteps)}}`
    );
  }

  /** The last measure of the ingest order: the one a phase waits for. */
  lastMeasure(shiftSteps = 0): { metric: string; source: string; timestampMs: number } {
    const k = this.size.metrics - 1;
    return { metric: this.metricName(k), source: this.sourceName(this.size.sources - 1), timestampMs: this.timestampMs(this.size.samples - 1 + shiftSteps) };
  }

  messages(perMessage: number): number {
    return Math.ceil(this.measures / perMessage);
  }

  /** Message `message` of `perMessage` measures in ingest order; `shiftSteps` moves every timestamp (fresh rows). */
  batch(message: number, perMessage: number, shiftSteps = 0): Buffer {
    const parts: string[] = [];
    const start = message * perMessage;
    for (let index = start; index < Math.min(this.measures, start + perMessage); index++) parts.push(this.measureJson(index, shiftSteps));
    return Buffer.from(`[${parts.join(',')}]`);
  }

  /** Every message body, built up front (so that building them is not timed). */
  batches(perMessage: number, shiftSteps = 0): Buffer[] {
    return Array.from({ length: this.messages(perMessage) }, (_, message) => this.batch(message, perMessage, shiftSteps));
  }

  /** The same samples as OpenMetrics text (series by series, as the format wants each family's lines together). */
  writeOpenMetrics(file: string): void {
    const fd = fs.openSync(file, 'w');
    try {
      for (let k = 0; k < this.size.metrics; k++) {
        const lines: string[] = [];
        for (let s = 0; s < this.size.sources; s++) {
          const labels = `{experiment="${EXPERIMENT}",source="${this.sourceName(s)}"}`;
          for (let i = 0; i < this.size.samples; i++) {
            lines.push(`${this.metricName(k)}${labels} ${this.value(k, s, i)} ${this.timestampMs(i) / 1000}`);
          }
        }
        fs.writeSync(fd, `${lines.join('\n')}\n`);
      }
      fs.writeSync(fd, '# EOF\n');
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Rule r: a realistic mix over one metric (all its sources): range functions, aggregations, instant
   * comparisons. Thresholds are set so that a few series fire and most do not.
   */
  ruleExpr(r: number): { metric: number; expr: string } {
    const k = r % this.size.metrics;
    const m = this.metricName(k);
    const sel = `${m}{experiment="${EXPERIMENT}"}`;
    const variant = Math.floor(r / this.size.metrics);
    if (k % 2 === 1) {
      const counter = [
        `rate(${sel}[1m]) > 3`,
        `sum by (source) (rate(${sel}[2m])) > 3.2`,
        `increase(${sel}[5m]) > 900`,
        `sum(rate(${sel}[1m])) > 100000`,
        `irate(${sel}[1m]) > 3.25`,
        `max by (experiment) (rate(${sel}[5m])) > 3.3`,
        `resets(${sel}[5m]) > 0`,
        `avg(rate(${sel}[1m])) > 10`,
        `topk(3, rate(${sel}[1m])) > 3`,
        `changes(${sel}[2m]) < 1`,
      ];
      return { metric: k, expr: counter[variant % counter.length] as string };
    }
    const gauge = [
      `avg_over_time(${sel}[1m]) > 95`,
      `max_over_time(${sel}[5m]) > 103`,
      `${sel} > 97`,
      `sum by (source) (${sel}) > 99`,
      `quantile_over_time(0.9, ${sel}[5m]) > 98`,
      `abs(delta(${sel}[2m])) > 9`,
      `min_over_time(${sel}[1m]) < 0`,
      `avg by (experiment) (${sel}) > 90`,
      `count(${sel} > 90) > 5`,
      `stddev_over_time(${sel}[5m]) > 5`,
    ];
    return { metric: k, expr: gauge[variant % gauge.length] as string };
  }

  /** Rule groups of `groupSize` workload rules each, plus the latency group (one `for: 0s` rule on its own series). */
  ruleGroups(): RuleGroupJson[] {
    const groups: RuleGroupJson[] = [];
    for (let start = 0; start < this.size.rules; start += this.size.groupSize) {
      const rules: AlertRuleJson[] = [];
      for (let r = start; r < Math.min(this.size.rules, start + this.size.groupSize); r++) {
        rules.push({ alert: `BenchRule${r}`, expr: this.ruleExpr(r).expr, for: '0s', labels: { severity: r % 3 === 0 ? 'critical' : 'minor' }, annotations: {} });
      }
      groups.push({ name: `bench-${groups.length}`, interval: this.size.interval, rules });
    }
    groups.push({
      name: LATENCY_GROUP,
      interval: this.size.interval,
      rules: [{ alert: LATENCY_ALERT, expr: `${LATENCY_METRIC}{experiment="${EXPERIMENT}"} > 100`, for: '0s', labels: { severity: 'critical' }, annotations: {} }],
    });
    return groups;
  }

  /** A Prometheus rule file (JSON is YAML, and promtool and Prometheus read it as such). */
  writeRuleFile(file: string): void {
    fs.writeFileSync(file, `${JSON.stringify({ groups: this.ruleGroups() }, null, 1)}\n`);
  }
}

export interface AlertRuleJson {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroupJson {
  name: string;
  interval: string;
  rules: AlertRuleJson[];
}

/** Nearest-rank percentile of unsorted numbers; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
