import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * Timestamps over real RabbitMQ, MySQL and HTTP: the whole range openapi.yaml allows (years 0000 to 9999,
 * epoch milliseconds up to 253402300799999) is stored and read back to the microsecond, though most of it
 * lies past 2^53 µs; and every date query parameter answers a bad date with a 400 naming it.
 */
describe('timestamps, end to end', () => {
  let p: TestPlatform;
  let admin: string;

  /** What was published, and the instant each must read back as, in time order. */
  const published: Array<[timestamp: string | number, readBack: string]> = [
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000000Z'],
    ['0000-01-01T00:00:00.000001Z', '0000-01-01T00:00:00.000001Z'],
    ['1684-07-28T00:12:25.259007Z', '1684-07-28T00:12:25.259007Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000000Z'],
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999999Z'],
    ['2255-06-06T00:00:00Z', '2255-06-06T00:00:00.000000Z'],
    ['2255-06-06T00:00:00.000001+00:00', '2255-06-06T00:00:00.000001Z'],
    [253402300799999, '9999-12-31T23:59:59.999000Z'],
    ['9999-12-31T22:59:59.999998-01:00', '9999-12-31T23:59:59.999998Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999999Z'],
  ];

  async function measures(query: string): Promise<{ status: number; body: { items: Array<{ timestamp: string; value: number }>; next?: string } }> {
    return call(p.baseUrl, 'GET', `/experiments/FAR/measures?${query}`, { token: admin });
  }

  beforeAll(async () => {
    p = await startPlatform({ consume: true });
    admin = await p.tokenFor(p.admin);
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'FAR', name: 'the whole range' } });
    // Shuffled, and in two messages: order of arrival must not matter.
    const all = published.map(([timestamp], value) => ({ experiment: 'FAR', metric: 'm', value, timestamp }));
    await p.publish([all[9], all[0], all[5], all[3], all[7]]);
    await p.publish([all[2], all[8], all[1], all[6], all[4]]);
    await eventually(() => measures('limit=100'), (r) => r.status === 200 && r.body.items.length === published.length);
  });
  afterAll(() => p.stop());

  it('stores the whole range of the contract and reads it back exactly, past 2^53 µs at both ends', async () => {
    const response = await measures('limit=100');
    expect(response.body.items.map((m) => [m.timestamp, m.value])).toEqual(published.map(([, readBack], value) => [readBack, value]));
  });

  it('pages through it with cursors that keep the timestamps exact', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await measures(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m) => m.timestamp));
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toEqual(published.map(([, readBack]) => readBack));
  });

  it.each([
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000001Z', [0]],
    ['0000-01-01T00:00:00.000001Z', '1970-01-01T00:00:00Z', [1, 2]],
    ['2255-06-06T00:00:00.000001Z', '9999-12-31T23:59:59.999Z', [6]],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999999Z', [7, 8]],
    ['9999-12-31T23:59:59.999999Z', undefined, [9]],
  ])('a window from %s to %s holds exactly its measures, to the microsecond', async (from, to, values) => {
    const response = await measures(`from=${encodeURIComponent(from)}${to ? `&to=${encodeURIComponent(to)}` : ''}`);
    expect(response.status).toBe(200);
    expect(response.body.items.map((m) => m.value)).toEqual(values);
  });

  it('aggregates at both ends of the range, bucket starts exact', async () => {
    const first = await call(p.baseUrl, 'GET', '/experiments/FAR/measures/aggregate?from=0000-01-01T00:00:00Z&to=0000-01-01T01:00:00Z&step=1h&fn=count', { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.series[0].points).toEqual([{ timestamp: '0000-01-01T00:00:00.000000Z', value: 2, count: 2 }]);
    const last = await call(p.baseUrl, 'GET', '/experiments/FAR/measures/aggregate?from=9999-12-31T23:00:00Z&to=9999-12-31T23:59:59.999999Z&step=1m&fn=last', { token: admin });
    expect(last.status).toBe(200);
    expect(last.body.series[0].points).toEqual([{ timestamp: '9999-12-31T23:59:00.000000Z', value: 8, count: 2 }]);
  });

  it('reports a bucket that would start before year 0000 (buckets align to the epoch) from 0000-01-01', async () => {
    // 0000-01-01 is 719,528 days before the epoch: not a multiple of 7, so its week starts in year -1.
    const week = await call(p.baseUrl, 'GET', '/experiments/FAR/measures/aggregate?from=0000-01-01T00:00:00Z&to=0000-02-01T00:00:00Z&step=7d&fn=count', { token: admin });
    expect(week.status).toBe(200);
    expect(week.body.series[0].points).toEqual([{ timestamp: '0000-01-01T00:00:00.000000Z', value: 2, count: 2 }]);
  });

  it('reads a leap second in a query as the consumer stores it: the last microsecond of its minute', async () => {
    const response = await measures(`from=${encodeURIComponent('2016-12-31T23:59:60Z')}&to=${encodeURIComponent('2017-01-01T00:00:00Z')}`);
    expect(response.body.items.map((m) => [m.timestamp, m.value])).toEqual([['2016-12-31T23:59:59.999999Z', 4]]);
  });
});

/** Every date query parameter of openapi.yaml: RFC 3339, strictly, or a 400 that names it. */
describe('date query parameters', () => {
  let p: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'FAR', name: 'dates' } });
  });
  afterAll(() => p.stop());

  const DATED: Array<[string, string]> = [
    ['/experiments/FAR/measures', 'from'],
    ['/experiments/FAR/measures', 'to'],
    ['/experiments/FAR/measures/aggregate?step=1h', 'from'],
    ['/experiments/FAR/measures/aggregate?step=1h', 'to'],
    ['/exceptions', 'from'],
    ['/exceptions', 'to'],
    ['/audit', 'from'],
    ['/audit', 'to'],
  ];
  const GOOD = { from: '2016-12-31T00:00:00Z', to: '2017-01-01T00:00:00Z' };
  const BAD = [
    '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-01-32T00:00:00Z', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z',
    '2024-01-01T29:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T12:60:00Z', '2024-01-01T12:00:61Z', '2024-01-01T12:00:60Z',
    '2024-01-01T00:00:00+99:99', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00+0100', '2024-01-01T00:00:00',
    '10000-01-01T00:00:00Z', '0000-01-01T00:00:00+00:01', 'yesterday', '1709296496123',
  ];

  function url(path: string, name: string, value: string): string {
    const params = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
    for (const [key, good] of Object.entries(GOOD)) params.set(key, key === name ? value : good);
    return `${path.split('?')[0]}?${params.toString()}`;
  }

  it.each(DATED)('%s?%s= answers 400 naming the parameter for each bad date, never 500, a shift or an empty list', async (path, name) => {
    const answers: string[] = [];
    for (const bad of BAD) {
      const response = await call(p.baseUrl, 'GET', url(path, name, bad), { token: admin });
      const body = response.body as { detail?: string; errors?: Array<{ path: string }> };
      const named = (body.errors ?? []).some((e) => e.path === `/query/${name}`) || (body.detail ?? '').startsWith(`${name} `);
      answers.push(`${bad}: ${response.status}${named ? '' : ' (parameter not named)'}`);
    }
    expect(answers).toEqual(BAD.map((bad) => `${bad}: 400`));
  });

  it.each(DATED)('%s?%s= takes a leap second (RFC 3339 allows 23:59:60 UTC)', async (path, name) => {
    const response = await call(p.baseUrl, 'GET', url(path, name, name === 'from' ? '2016-12-31T23:59:60Z' : '2017-01-01T00:59:60+01:00'), { token: admin });
    expect(response.status).toBe(200);
  });
});
