import { compileMapping, mapOne, mappingSchema, readJsonPath } from '../../../adapters/common/mapping';
import { parseExposition } from '../../../adapters/common/exposition';
import { probeConfigSchema } from '../../../adapters/probe/config';
import { resultToMeasures } from '../../../adapters/probe/results';
import { prometheusConfigSchema } from '../../../adapters/prometheus/config';
import { samplesToMeasures } from '../../../adapters/prometheus/samples';

/** Keys the user chooses are data: `__proto__` and `constructor` are kept like any other key. */
const USER_KEYS = JSON.parse('{"__proto__": "p", "constructor": "c", "site": "s"}') as Record<string, string>;

describe('user-chosen keys never go into plain objects', () => {
  it('file mapping: tags named __proto__ and constructor reach the measure, also across the worker thread (structured clone)', () => {
    const tags = JSON.parse('{"__proto__": {"value": "p"}, "constructor": {"column": "c"}}') as unknown;
    const mapping = mappingSchema.parse({ metric: { value: 'm' }, tags });
    for (const m of [mapping, structuredClone(mapping)]) {
      const mapper = compileMapping<Record<string, string>>(m, (column) => (record) => record[column], 'E', () => 0);
      const result = mapOne(mapper, { value: '1', c: 'from-column' });
      expect(result).toMatchObject({ ok: true });
      const measure = result.ok ? result.measures[0] : undefined;
      expect(Object.entries(measure?.tags ?? {})).toEqual([['__proto__', 'p'], ['constructor', 'from-column']]);
    }
  });

  it('file mapping: wide-format metrics named __proto__ and constructor are metrics', () => {
    const metrics = JSON.parse('{"__proto__": {"column": "a"}, "constructor": {"column": "b"}}') as unknown;
    const mapper = compileMapping<Record<string, string>>(mappingSchema.parse({ metrics }), (column) => (record) => record[column], 'E', () => 0);
    const result = mapOne(mapper, { a: '1', b: '2' });
    expect(result.ok && result.measures.map((m) => [m.metric, m.value])).toEqual([['__proto__', 1], ['constructor', 2]]);
  });

  it('JSON lines paths read own keys only (no prototype lookups)', () => {
    expect(readJsonPath({ a: 1 }, '__proto__')).toBeUndefined();
    expect(readJsonPath({ a: 1 }, 'constructor')).toBeUndefined();
    expect(readJsonPath({ a: 1 }, 'a.toString')).toBeUndefined();
    expect(readJsonPath(JSON.parse('{"constructor": {"x": 5}, "__proto__": 7}'), 'constructor.x')).toBe(5);
    expect(readJsonPath(JSON.parse('{"__proto__": 7}'), '__proto__')).toBe(7);
  });

  it('prometheus: labels named __proto__ and constructor (exposition and config) become tags', () => {
    const parsed = parseExposition('up{__proto__="a",constructor="b",instance="h:1"} 1\n');
    expect(parsed.errors).toEqual([]);
    const config = prometheusConfigSchema.parse({ experiment: 'E', prometheus: { targets: [{ url: 'http://h:1/metrics', labels: JSON.parse('{"constructor": "cfg", "toString": "t"}') as unknown }] } });
    const { measures } = samplesToMeasures(parsed.samples, { experiment: 'E', defaultSource: 'd', scrapedAt: 0, labels: config.prometheus.targets[0]!.labels });
    expect(measures[0]!.source).toBe('h:1');
    expect(Object.entries(measures[0]!.tags ?? {})).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['toString', 't']]);
  });

  it('probe: check tags named __proto__ and constructor are tags of every result', () => {
    const config = probeConfigSchema.parse({ experiment: 'E', probe: { checks: [{ name: 'c1', type: 'tcp', host: 'h', port: 1, tags: USER_KEYS }] } });
    const [measure] = resultToMeasures(
      { check: 'c1', type: 'tcp', target: 'h:1', success: true, durationMs: 1, startedAt: 0 },
      { experiment: 'E', metricPrefix: 'probe', tags: config.probe.checks[0]!.tags },
    );
    expect(measure!.tags).toEqual(expect.objectContaining({ site: 's', type: 'tcp' }));
    expect(Object.keys(measure!.tags ?? {})).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
    expect(JSON.stringify(measure!.tags)).toContain('"__proto__":"p"');
  });

  it('config records name the key at fault', () => {
    const result = prometheusConfigSchema.safeParse({ experiment: 'E', prometheus: { targets: [{ url: 'http://h:1/metrics', labels: { a: 1 } }] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]!.path).toEqual(['prometheus', 'targets', 0, 'labels', 'a']);
  });
});
