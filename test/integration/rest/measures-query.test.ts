import { AGGREGATE_FNS, HOUR_US, MINUTE_US } from '../../../src/domain/aggregate';
import { isoMicros } from '../../../src/rest/representations';
import { RollupJob } from '../../../src/services/rollup-job';
import { expectedBuckets, irregularPoints, type Point } from '../../support/aggregates';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

const T0 = Date.parse('2026-11-01T00:00:00Z') * 1000;
const S = 1_000_000;
/** The reference below works in numbers: these instants are far below 2^53 µs. */
const fmt = (us: number) => isoMicros(BigInt(us));
const iso = (us: number) => encodeURIComponent(fmt(us));

/**
 * The query side over real HTTP, MySQL and RabbitMQ: measures published through the consumer (with a
 * redelivered message and late data), then read back by range and by aggregate, for every function,
 * against values the test computes from what it published.
 */
describe('GET /experiments/{code}/measures and /measures/aggregate', () => {
  let p: TestPlatform;
  let admin: string;
  let scientist: string;
  let outsider: string;
  /** metric/source -> timestamp -> point: what was published, duplicates keeping the first value. */
  const published = new Map<string, Map<number, Point>>();

  async function publish(metric: string, source: string, points: readonly Point[]): Promise<void> {
    for (let start = 0; start < points.length; start += 1000) {
      const chunk = points.slice(start, start + 1000);
      await p.publish(chunk.map((pt) => ({ experiment: 'Q', metric, source, value: pt.value, timestamp: fmt(pt.timestampUs) })));
    }
    const known = published.get(`${metric}/${source}`) ?? new Map<number, Point>();
    for (const pt of points) if (!known.has(pt.timestampUs)) known.set(pt.timestampUs, pt);
    published.set(`${metric}/${source}`, known);
  }

  function total(): number {
    return [...published.values()].reduce((n, m) => n + m.size, 0);
  }

  async function storedCount(): Promise<number> {
    const response = await call(p.baseUrl, 'GET', '/experiments/Q/measures?limit=10000', { token: admin });
    return response.body.items.length;
  }

  async function aggregate(query: string, token = admin) {
    return call(p.baseUrl, 'GET', `/experiments/Q/measures/aggregate?${query}`, { token });
  }

  async function expectAggregatesExact(): Promise<void> {
    const windows: Array<[number, number]> = [
      [T0 - 7 * MINUTE_US - 13 * S, T0 + 2 * HOUR_US + 41 * MINUTE_US + 7 * S],
      [T0, T0 + 3 * HOUR_US],
    ];
    for (const [fromUs, toUs] of windows) {
      for (const [step, stepUs] of [['45s', 45 * S], ['1m', MINUTE_US], ['15m', 15 * MINUTE_US], ['1h', HOUR_US]] as const) {
        for (const fn of AGGREGATE_FNS) {
          const response = await aggregate(`metric=temperature&from=${iso(fromUs)}&to=${iso(toUs)}&step=${step}&fn=${fn}`);
          expect(response.status).toBe(200);
          expect(response.body).toMatchObject({ step, fn });
          const got = Object.fromEntries(response.body.series.map((s: { source: string; points: unknown[] }) => [s.source, s.points]));
          const want = Object.fromEntries(
            ['a', 'b'].map((source) => [
              source,
              expectedBuckets([...(published.get(`temperature/${source}`) as Map<number, Point>).values()], fromUs, toUs, stepUs, fn).map(
                (b) => ({ timestamp: fmt(b.timestampUs), value: b.value, count: b.count }),
              ),
            ]),
          );
          expect({ fromUs, step, fn, got }).toEqual({ fromUs, step, fn, got: want });
          expect(want.a!.length).toBeGreaterThan(0);
        }
      }
    }
  }

  beforeAll(async () => {
    p = await startPlatform({ consume: true });
    admin = await p.tokenFor(p.admin);
    const sci = await p.createUser('SCIENTIST', 'sci');
    scientist = await p.tokenFor(sci);
    outsider = await p.tokenFor(await p.createUser('SCIENTIST', 'outsider'));
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'Q', name: 'queries' } });
    await call(p.baseUrl, 'PUT', `/experiments/Q/users/${sci.id}`, { token: admin });
    await publish('temperature', 'a', irregularPoints(T0 - 10 * MINUTE_US, T0 + 3 * HOUR_US, 15, 11));
    await publish('temperature', 'b', irregularPoints(T0 + 20 * MINUTE_US, T0 + 2 * HOUR_US, 30, 12));
    await publish('pressure', 'a', irregularPoints(T0, T0 + HOUR_US, 60, 13));
    await eventually(storedCount, (n) => n === total());
  });
  afterAll(() => p.stop());

  it('range reads: a window of one metric, walked in pages whose cursors split rows of equal timestamps', async () => {
    // Both temperature series have a measure on every minute boundary they cover: ties across series.
    const fromUs = T0 + 19 * MINUTE_US;
    const toUs = T0 + 61 * MINUTE_US + 1;
    const seen: Array<{ source: string; timestamp: string; value: number }> = [];
    let cursor: string | undefined;
    do {
      const page = await call(
        p.baseUrl,
        'GET',
        `/experiments/Q/measures?metric=temperature&from=${iso(fromUs)}&to=${iso(toUs)}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { token: scientist },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.items.map((m: { source: string; timestamp: string; value: number }) => ({ source: m.source, timestamp: m.timestamp, value: m.value })));
      cursor = page.body.next;
    } while (cursor);
    const series = await call(p.baseUrl, 'GET', '/experiments/Q/series', { token: scientist });
    const idOf = (source: string) => series.body.items.find((s: { metric: string; source: string }) => s.metric === 'temperature' && s.source === source).id;
    const expected = ['a', 'b']
      .flatMap((source) =>
        [...(published.get(`temperature/${source}`) as Map<number, Point>).values()]
          .filter((pt) => pt.timestampUs >= fromUs && pt.timestampUs < toUs)
          .map((pt) => ({ id: idOf(source), source, timestampUs: pt.timestampUs, value: pt.value })),
      )
      .sort((x, y) => x.timestampUs - y.timestampUs || x.id - y.id)
      .map(({ source, timestampUs, value }) => ({ source, timestamp: fmt(timestampUs), value }));
    expect(seen).toEqual(expected);
    expect(new Set(expected.map((m) => m.timestamp)).size).toBeLessThan(expected.length);
  });

  it('aggregates every function and step exactly, before the rollup job has run', async () => {
    await expectAggregatesExact();
  });

  it('and after it, from rollups; a redelivered message and late data change nothing but what they add', async () => {
    const job = p.container.get(RollupJob);
    // Every batch so far was new: its partials are already in the rollups, nothing is left to recompute.
    expect(await job.catchUp()).toBe(0);
    await expectAggregatesExact();

    // The same message again (as after a lost ack), and late measures for an hour already rolled up.
    const again = [...(published.get('temperature/a') as Map<number, Point>).values()].slice(0, 300);
    await publish('temperature', 'a', again);
    const late = irregularPoints(T0 + 30 * MINUTE_US + 3, T0 + 40 * MINUTE_US, 20, 14);
    await publish('temperature', 'a', late);
    await eventually(storedCount, (n) => n === total());
    await expectAggregatesExact();
    // The redelivery's minutes were marked (its rows were duplicates): the job recomputes them from raw rows.
    expect(await job.catchUp()).toBeGreaterThan(0);
    await expectAggregatesExact();
  });

  it('a SCIENTIST not associated with the experiment gets 404, like for a missing one', async () => {
    const query = `from=${iso(T0)}&to=${iso(T0 + HOUR_US)}&step=1h`;
    expect((await aggregate(query, scientist)).status).toBe(200);
    const hidden = await aggregate(query, outsider);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toContain('application/problem+json');
    const missing = await call(p.baseUrl, 'GET', `/experiments/NOPE/measures/aggregate?${query}`, { token: outsider });
    expect(missing.status).toBe(404);
    expect(missing.body.title).toBe(hidden.body.title);
  });

  it('fn defaults to avg; a series with no measure in the window has no points', async () => {
    const response = await aggregate(`metric=pressure&from=${iso(T0 + 2 * HOUR_US)}&to=${iso(T0 + 3 * HOUR_US)}&step=1h`);
    expect(response.status).toBe(200);
    expect(response.body.fn).toBe('avg');
    expect(response.body.series).toEqual([expect.objectContaining({ metric: 'pressure', source: 'a', points: [] })]);
  });

  it.each([
    ['a step without a unit', `step=60`],
    ['a step of zero', `step=0m`],
    ['a step in weeks', `step=1w`],
    ['a step over 366 days', `step=400d`],
    ['an unknown fn', `step=1h&fn=median`],
    ['no step', ``],
    ['from after to', `step=1h&from=${iso(T0 + HOUR_US)}&to=${iso(T0)}`],
    ['too many buckets', `step=1s&from=${iso(T0)}&to=${iso(T0 + 2 * 24 * HOUR_US)}`],
    ['no window', `step=1h&from=`],
  ])('%s: 400 problem+json', async (_label, query) => {
    const window = query.includes('from=') ? '' : `from=${iso(T0)}&to=${iso(T0 + HOUR_US)}&`;
    const response = await aggregate(`${window}${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.type).toBe('https://mymonit.dev/problems/validation');
  });
});
