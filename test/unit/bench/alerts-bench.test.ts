import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bareGroupName, parseMetrics } from '../../../scripts/bench/alerts-mymonit';
import { LATENCY_GROUP, percentile, Workload } from '../../../scripts/bench/alerts-workload';

const workload = new Workload({ metrics: 4, sources: 3, samples: 5, stepMs: 15_000, startMs: 1_764_000_000_000, rules: 50, groupSize: 20, interval: '15s' });

describe('bench:alerts workload', () => {
  it('gives MyMONIT and Prometheus the same samples', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-alerts-')), 'data.om.txt');
    workload.writeOpenMetrics(file);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    fs.rmSync(path.dirname(file), { recursive: true });
    expect(lines.pop()).toBe('# EOF');
    const fromOpenMetrics = new Set(
      lines.map((line) => {
        const match = /^(\w+)\{experiment="BENCH",source="([^"]+)"\} (\S+) (\S+)$/.exec(line);
        if (!match) throw new Error(`not an OpenMetrics sample: ${line}`);
        return `${match[1]}|${match[2]}|${Number(match[3])}|${Math.round(Number(match[4]) * 1000)}`;
      }),
    );
    const fromMeasures = new Set(
      workload.batches(7).flatMap((body) =>
        (JSON.parse(body.toString('utf8')) as Array<{ metric: string; source: string; value: number; timestamp: number }>).map(
          (m) => `${m.metric}|${m.source}|${m.value}|${m.timestamp}`,
        ),
      ),
    );
    expect(fromMeasures.size).toBe(workload.measures);
    expect(fromOpenMetrics).toEqual(fromMeasures);
  });

  it('ends the ingest order with the measure a phase waits for', () => {
    const bodies = workload.batches(7);
    const last = (JSON.parse((bodies[bodies.length - 1] as Buffer).toString('utf8')) as Array<{ metric: string; source: string; timestamp: number }>).pop();
    const expected = workload.lastMeasure();
    expect(last).toMatchObject({ metric: expected.metric, source: expected.source, timestamp: expected.timestampMs });
  });

  it('groups the rules and adds the latency group', () => {
    const groups = workload.ruleGroups();
    expect(groups.map((group) => group.rules.length)).toEqual([20, 20, 10, 1]);
    expect(groups[3]?.name).toBe(LATENCY_GROUP);
    expect(new Set(groups.flatMap((group) => group.rules.map((rule) => rule.alert))).size).toBe(51);
  });
});

describe('bench:alerts readers', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(percentile(values, 50)).toBe(100);
    expect(percentile(values, 99)).toBe(198);
    expect(percentile([], 50)).toBeNaN();
  });

  it('parses the text format and group names', () => {
    const [sample] = parseMetrics('# HELP x y\nmymonit_rule_group_evaluation_duration_seconds_sum{rule_group="BENCH/bench-3"} 0.25\n');
    expect(sample?.name).toBe('mymonit_rule_group_evaluation_duration_seconds_sum');
    expect(sample?.value).toBe(0.25);
    expect(bareGroupName(sample?.labels.get('rule_group') ?? '')).toBe('bench-3');
  });
});
