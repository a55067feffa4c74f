import fc from 'fast-check';
import {
  compareLabelSets,
  sanitiseLabelName,
  sanitiseMetricName,
  seriesLabels,
  type StoredSeriesFields,
} from '../../../../src/alerting/promql/measure-labels';

function labels(fields: Partial<StoredSeriesFields>): Record<string, string> {
  const mapped = seriesLabels({ experiment: 'EXP', metric: 'm', source: '', unit: '', tags: {}, ...fields });
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of mapped) out[name] = value;
  return out;
}

describe('sanitised names', () => {
  it.each([
    ['cpu.load', 'cpu_load'],
    ['http/requests-total', 'http_requests_total'],
    ['job:rate5m', 'job:rate5m'],
    ['9lives', '_9lives'],
    ['_9', '_9'],
    ['température', 'temp_rature'],
    ['a😀b', 'a_b'],
  ])('metric %j -> %j', (metric, name) => {
    expect(sanitiseMetricName(metric)).toBe(name);
  });

  it('drops the colon from label names only', () => {
    expect(sanitiseLabelName('rack:a')).toBe('rack_a');
    expect(sanitiseLabelName('0x')).toBe('_0x');
  });

  it('always yields a valid name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (text) => {
        expect(sanitiseMetricName(text)).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
        expect(sanitiseLabelName(text)).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      }),
    );
  });
});

describe('seriesLabels', () => {
  it('maps metric, experiment, source, unit and tags, sorted by name', () => {
    const mapped = seriesLabels({
      experiment: 'EXP-1',
      metric: 'cpu.load',
      source: 'host-1',
      unit: '%',
      tags: { rack: 'r1', 'zone.name': 'eu' },
    });
    expect([...mapped]).toEqual([
      ['__name__', 'cpu_load'],
      ['experiment', 'EXP-1'],
      ['rack', 'r1'],
      ['source', 'host-1'],
      ['unit', '%'],
      ['zone_name', 'eu'],
    ]);
  });

  it('leaves out an empty source, unit and tag value', () => {
    expect(labels({ tags: { a: '', b: 'x' } })).toEqual({ __name__: 'm', experiment: 'EXP', b: 'x' });
  });

  it('exposes tags that collide with the platform labels as tag_<name>', () => {
    expect(labels({ source: 's', tags: { experiment: 'e', source: 'x', unit: 'u', __name__: 'n' } })).toEqual({
      __name__: 'm',
      experiment: 'EXP',
      source: 's',
      tag_experiment: 'e',
      tag_source: 'x',
      tag_unit: 'u',
      tag___name__: 'n',
    });
  });

  it('keeps a tag out of an absent platform label', () => {
    expect(labels({ tags: { unit: 'kg' } })).toEqual({ __name__: 'm', experiment: 'EXP', tag_unit: 'kg' });
  });

  it('reserves names starting with __', () => {
    expect(labels({ tags: { __meta: 'x', 'a.b': 'y' } })).toEqual({ __name__: 'm', experiment: 'EXP', tag___meta: 'x', a_b: 'y' });
  });

  it('a __proto__ tag is an ordinary (reserved) label, not a prototype', () => {
    const tags = JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string>;
    const mapped = seriesLabels({ experiment: 'E', metric: 'm', source: '', unit: '', tags });
    expect(mapped.get('tag___proto__')).toBe('p');
    expect(mapped.get('constructor')).toBe('c');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('tags sanitising alike: a validly spelled one keeps its name, then stored-name order, the next prefixed', () => {
    expect(labels({ tags: { 'a.b': 'dot', 'a-b': 'dash', a_b: 'underscore' } })).toEqual({
      __name__: 'm',
      experiment: 'EXP',
      a_b: 'underscore',
      tag_a_b: 'dash',
      tag_tag_a_b: 'dot',
    });
    expect(labels({ tags: { 'a.b': 'dot', 'a-b': 'dash' } })).toEqual({ __name__: 'm', experiment: 'EXP', a_b: 'dash', tag_a_b: 'dot' });
  });

  it('a literal tag_x tag keeps its name before a colliding x is pushed onto it', () => {
    expect(labels({ source: 's', tags: { source: 'x', tag_source: 'y' } })).toEqual({
      __name__: 'm',
      experiment: 'EXP',
      source: 's',
      tag_source: 'y',
      tag_tag_source: 'x',
    });
  });

  it('a literal tag_ tag and a collision never lose a value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z_.:-]{1,6}$/), fc.string({ minLength: 1, maxLength: 3 })), (tags) => {
        const mapped = seriesLabels({ experiment: 'E', metric: 'm', source: 's', unit: 'u', tags });
        expect(mapped.size).toBe(4 + Object.keys(tags).length);
        for (const name of mapped.keys()) expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      }),
    );
  });

  it('tag values keep any unicode', () => {
    expect(labels({ tags: { city: 'Zürich 😀' } }).city).toBe('Zürich 😀');
  });
});

describe('compareLabelSets', () => {
  it('orders by name, then value, a prefix first', () => {
    const a = new Map([['__name__', 'a']]);
    const b = new Map([
      ['__name__', 'a'],
      ['x', '1'],
    ]);
    const c = new Map([['__name__', 'b']]);
    expect([c, b, a].sort(compareLabelSets)).toEqual([a, b, c]);
  });
});
