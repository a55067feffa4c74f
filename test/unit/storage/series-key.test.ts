import { hasTags, seriesCacheKey } from '../../../src/storage/measure-insert';
import { canonicalTags, seriesIdentity } from '../../../src/storage/series-key';
import type { MeasureRow } from '../../../src/storage/stores';

/** Tags as the parser builds them from JSON: every name an own property, "__proto__" included. */
function tags(json: string): Readonly<Record<string, string>> {
  return JSON.parse(json) as Record<string, string>;
}

function row(tagsJson: string): MeasureRow {
  return {
    experiment: 'E',
    experimentId: 7,
    metric: 'temperature',
    source: 'probe-1',
    unit: 'C',
    tags: tags(tagsJson),
    timestampUs: 1_700_000_000_000_000n,
    value: 21.5,
  };
}

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

describe('series keys: every tag name the schema allows is a tag like any other', () => {
  it.each(RESERVED)('canonicalTags keeps a tag named %s, sorted among the others', (name) => {
    const json = canonicalTags(tags(`{"z":"1",${JSON.stringify(name)}:"x","a":"2"}`));
    const sorted = [['a', '2'], [name, 'x'], ['z', '1']].sort((p, q) => (p[0]! < q[0]! ? -1 : 1));
    expect(Object.entries(JSON.parse(json) as object)).toEqual(sorted);
    expect(canonicalTags(tags(`{${JSON.stringify(name)}:"x"}`))).toBe(`{${JSON.stringify(name)}:"x"}`);
  });

  it.each(RESERVED)('a series tagged %s is not the untagged series, nor one with another value', (name) => {
    expect(hasTags(tags(`{${JSON.stringify(name)}:"x"}`))).toBe(true);
    const untagged = seriesIdentity(row('{}'));
    const tagged = seriesIdentity(row(`{${JSON.stringify(name)}:"x"}`));
    const otherValue = seriesIdentity(row(`{${JSON.stringify(name)}:"y"}`));
    expect(tagged.tags).toBe(`{${JSON.stringify(name)}:"x"}`);
    expect(new Set([untagged.key, tagged.key, otherValue.key]).size).toBe(3);
    expect(new Set([seriesCacheKey(row('{}')), seriesCacheKey(row(`{${JSON.stringify(name)}:"x"}`)), seriesCacheKey(row(`{${JSON.stringify(name)}:"y"}`))]).size).toBe(3);
  });

  it('is the same string as before for ordinary names (existing series keep their keys)', () => {
    expect(canonicalTags(tags('{"b":"2","a":"1","10":"t","9":"n"}'))).toBe('{"9":"n","10":"t","a":"1","b":"2"}');
    expect(seriesIdentity(row('{}')).tags).toBe('{}');
  });

  it('touches no prototype', () => {
    canonicalTags(tags('{"__proto__":"x","constructor":"y"}'));
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
