import { parseExposition, parseSampleLine } from '../../../adapters/common/exposition';
import { samplesToMeasures } from '../../../adapters/prometheus/samples';

const EXPOSITION = `# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 12345.67
node_cpu_seconds_total{cpu="0",mode="user"} 89.1 1714564800000
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 3
http_request_duration_seconds_bucket{le="+Inf"} 5
http_request_duration_seconds_sum 1.5e-1
http_request_duration_seconds_count 5
go_gc_duration_seconds{quantile="0.5"} NaN
weird{path="C:\\\\dir",msg="say \\"hi\\"\\nbye",} -Inf
up{instance="10.0.0.1:9100",job="node"} 1
broken{a="1" 2
`;

describe('Prometheus exposition format', () => {
  it('parses samples with labels, escapes, special values, timestamps and types', () => {
    const parsed = parseExposition(EXPOSITION);
    expect(parsed.errors).toEqual([{ line: 13, message: expect.stringMatching(/expected "," or "}"/) }]);
    const samples = parsed.samples.map((s) => s.sample);
    expect(samples).toHaveLength(9);
    expect(samples[0]).toEqual({ name: 'node_cpu_seconds_total', labels: { cpu: '0', mode: 'idle' }, value: 12345.67, timestampMs: undefined, type: 'counter' });
    expect(samples[1]!.timestampMs).toBe(1714564800000);
    expect(samples[2]).toMatchObject({ name: 'http_request_duration_seconds_bucket', labels: { le: '0.1' }, value: 3, type: 'histogram' });
    expect(samples[4]!.value).toBeCloseTo(0.15);
    expect(samples[6]!.value).toBeNaN();
    expect(samples[7]).toMatchObject({ labels: { path: 'C:\\dir', msg: 'say "hi"\nbye' }, value: -Infinity });
  });

  it('ignores OpenMetrics exemplars and # EOF, and reads OpenMetrics second timestamps', () => {
    expect(parseSampleLine('foo_total 17 1520879607.789 # {trace_id="abc"} 1 1520879607.0')).toMatchObject({ value: 17, timestampMs: 1520879607789 });
    expect(parseExposition('foo 1\n# EOF\n').errors).toEqual([]);
  });

  it('refuses malformed lines with a reason', () => {
    expect(() => parseSampleLine('9metric 1')).toThrow(/metric name/);
    expect(() => parseSampleLine('m{a=1} 1')).toThrow(/double-quoted/);
    expect(() => parseSampleLine('m{a="1",a="2"} 1')).toThrow(/twice/);
    expect(() => parseSampleLine('m one')).toThrow(/invalid value/);
    expect(() => parseSampleLine('m 1 2 3')).toThrow(/after the timestamp/);
  });

  it('turns samples into measures: name -> metric, labels -> tags, instance -> source, non-finite values skipped', () => {
    const parsed = parseExposition(EXPOSITION);
    const { measures, skipped } = samplesToMeasures(parsed.samples, {
      experiment: 'EXP-P',
      defaultSource: '127.0.0.1:9100',
      scrapedAt: 1714564900000,
      labels: { env: 'test' },
    });
    expect(skipped).toBe(2); // NaN and -Inf
    expect(measures).toHaveLength(7);
    expect(measures[0]).toEqual({
      experiment: 'EXP-P',
      metric: 'node_cpu_seconds_total',
      source: '127.0.0.1:9100',
      value: 12345.67,
      timestamp: 1714564900000,
      tags: { cpu: '0', mode: 'idle', env: 'test' },
    });
    expect(measures[1]!.timestamp).toBe(1714564800000);
    expect(measures[4]).toEqual({ experiment: 'EXP-P', metric: 'http_request_duration_seconds_sum', source: '127.0.0.1:9100', value: 0.15, timestamp: 1714564900000, tags: { env: 'test' } });
    const up = measures.find((m) => m.metric === 'up');
    expect(up).toEqual({ experiment: 'EXP-P', metric: 'up', source: '10.0.0.1:9100', value: 1, timestamp: 1714564900000, tags: { job: 'node', env: 'test' } });
  });
});
