import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

const TIMESTAMP = '2026-11-01T00:00:00.000000Z';
/** Tag names the schema allows that are also names of Object.prototype's members. */
const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** Own properties, "__proto__" included, as the JSON text had them. */
const entries = (tags: object) => Object.entries(tags);

describe('user-chosen tag names: a tag named __proto__, constructor, toString or hasOwnProperty is a tag like any other', () => {
  let p: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    p = await startPlatform({ consume: true });
    admin = await p.tokenFor(p.admin);
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'TAGS', name: 'tag names' } });
  });
  afterAll(() => p.stop());

  it('each is its own series, apart from the untagged one at the same timestamp, and reads back with its tags', async () => {
    const measure = (tags: string | undefined, value: number) =>
      `{"experiment":"TAGS","metric":"m","source":"s","value":${value},"timestamp":"${TIMESTAMP}"${tags === undefined ? '' : `,"tags":${tags}`}}`;
    // Tagged first: the untagged measure that follows must not be taken for a duplicate of the __proto__ one.
    await p.publish(`[${RESERVED.map((name, i) => measure(`{${JSON.stringify(name)}:"v${i}"}`, i + 1)).join(',')}]`);
    await p.publish(measure(undefined, 0));
    await p.publish(measure('{"__proto__":"v0","k":"w"}', 9));

    const page = await eventually(
      () => call(p.baseUrl, 'GET', '/experiments/TAGS/measures?limit=100', { token: admin }),
      (r) => r.status === 200 && r.body.items.length === RESERVED.length + 2,
    );
    const stored = page.body.items
      .map((m: { tags: object; value: number }) => ({ value: m.value, tags: entries(m.tags) }))
      .sort((a: { value: number }, b: { value: number }) => a.value - b.value);
    expect(stored).toEqual([
      { value: 0, tags: [] },
      ...RESERVED.map((name, i) => ({ value: i + 1, tags: [[name, `v${i}`]] })),
      { value: 9, tags: [['__proto__', 'v0'], ['k', 'w']] },
    ]);

    const series = await call(p.baseUrl, 'GET', '/experiments/TAGS/series', { token: admin });
    expect(series.status).toBe(200);
    const seriesTags = series.body.items.map((s: { tags: object }) => JSON.stringify(entries(s.tags))).sort();
    expect(seriesTags).toEqual(
      [[], ...RESERVED.map((name, i) => [[name, `v${i}`]]), [['__proto__', 'v0'], ['k', 'w']]].map((e) => JSON.stringify(e)).sort(),
    );

    const from = encodeURIComponent('2026-11-01T00:00:00Z');
    const to = encodeURIComponent('2026-11-01T01:00:00Z');
    const aggregate = await call(p.baseUrl, 'GET', `/experiments/TAGS/measures/aggregate?from=${from}&to=${to}&step=1h&fn=count`, { token: admin });
    expect(aggregate.status).toBe(200);
    const counted = aggregate.body.series
      .map((s: { tags: object; points: Array<{ value: number }> }) => [JSON.stringify(entries(s.tags)), s.points.map((pt) => pt.value)])
      .sort();
    expect(counted).toEqual(seriesTags.map((t: string) => [t, [1]]));
    expect(({} as Record<string, unknown>).v0).toBeUndefined();
  });
});
