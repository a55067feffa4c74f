import { call, eventually, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

const T0 = 1_700_000_000; // seconds: 2023-11-14T22:13:20Z
const iso = (seconds: number, micros = 0) =>
  new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${String(micros).padStart(6, '0')}Z`);
const V1 = '/prometheus/api/v1';

/**
 * The Prometheus-compatible HTTP API over real HTTP, MySQL and RabbitMQ with the real engine: parameters,
 * envelope and errors as Prometheus answers them,
 * the MySQL series source (label mapping, millisecond truncation, sample limit) and the SCIENTIST scope.
 */
describe('/prometheus/api/v1', () => {
  let p: TestPlatform;
  let admin: string;
  let scientist: string;

  const get = (path: string, token = admin) => call(p.baseUrl, 'GET', `${V1}${path}`, { token });
  const postForm = (path: string, form: Record<string, string | string[]>, token = admin) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const v of [value].flat()) body.append(name, v);
    return call(p.baseUrl, 'POST', `${V1}${path}`, {
      token,
      rawBody: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  };
  const ok = (response: ApiResponse) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect({ status: response.status, envelope: response.body?.status }).toEqual({ status: 200, envelope: 'success' });
    return response.body.data;
  };
  const fails = (response: ApiResponse, status: number, errorType: string, error: string) => {
    expect({ status: response.status, body: response.body }).toEqual({ status, body: { status: 'error', errorType, error } });
  };

  beforeAll(async () => {
    p = await startPlatform({
      consume: true,
      env: { PROMQL_MAX_SAMPLES: '25' },
    });
    admin = await p.tokenFor(p.admin);
    const person = await p.createUser('SCIENTIST');
    scientist = await p.tokenFor(person);
    for (const code of ['PA', 'PB']) {
      expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code, name: code } })).status).toBe(201);
    }
    expect((await call(p.baseUrl, 'PUT', `/experiments/PA/users/${person.id}`, { token: admin })).status).toBe(204);
    const measures: object[] = [];
    for (let i = 0; i < 10; i++) {
      const timestamp = iso(T0 + i * 10);
      measures.push(
        { experiment: 'PA', metric: 'cpu.load', source: 'host-1', unit: '%', tags: { rack: 'r1' }, value: i, timestamp },
        { experiment: 'PA', metric: 'cpu.load', source: 'host-2', tags: { rack: 'r2', source: 'tagged', empty: '' }, value: 10 + i, timestamp },
        { experiment: 'PB', metric: 'cpu.load', source: 'host-9', tags: { site: 'b' }, value: 100 + i, timestamp },
      );
    }
    // Two samples in one millisecond: the later one is the point PromQL sees.
    measures.push(
      { experiment: 'PA', metric: 'cpu.load', source: 'host-1', unit: '%', tags: { rack: 'r1' }, value: 50, timestamp: iso(T0 + 95, 100) },
      { experiment: 'PA', metric: 'cpu.load', source: 'host-1', unit: '%', tags: { rack: 'r1' }, value: 51, timestamp: iso(T0 + 95, 900) },
      { experiment: 'PA', metric: 'mem-used', value: 1, timestamp: iso(T0) },
    );
    await p.publish(measures);
    const stored = async (code: string) =>
      (await call(p.baseUrl, 'GET', `/experiments/${code}/measures?limit=1000`, { token: admin })).body.items?.length;
    await eventually(async () => [await stored('PA'), await stored('PB')], ([a, b]) => a === 23 && b === 10, {
      what: 'all measures stored',
    });
  });

  afterAll(async () => {
    await p?.stop();
  });

  it('needs a bearer token', async () => {
    const response = await call(p.baseUrl, 'GET', `${V1}/labels`);
    expect(response.status).toBe(401);
  });

  it("answers Grafana's request sequence like Prometheus", async () => {
    const build = ok(await get('/status/buildinfo'));
    expect(Object.keys(build)).toEqual(['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']);
    expect(typeof build.version).toBe('string');

    const range = { start: String(T0 - 60), end: String(T0 + 120) };
    expect(ok(await get(`/labels?start=${range.start}&end=${range.end}`))).toEqual([
      '__name__',
      'experiment',
      'rack',
      'site',
      'source',
      'tag_source',
      'unit',
    ]);
    expect(ok(await postForm('/labels', range))).toContain('tag_source');
    expect(ok(await get(`/label/__name__/values?start=${range.start}&end=${range.end}`))).toEqual(['cpu_load', 'mem_used']);

    const series = ok(await postForm('/series', { 'match[]': ['cpu_load{rack="r2"}', 'mem_used'], ...range }));
    expect(series).toEqual([
      { __name__: 'cpu_load', experiment: 'PA', rack: 'r2', source: 'host-2', tag_source: 'tagged' },
      { __name__: 'mem_used', experiment: 'PA' },
    ]);

    const matrix = await postForm('/query_range', { query: 'cpu_load{rack="r2"}', start: String(T0), end: String(T0 + 90), step: '30' });
    expect(ok(matrix)).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'cpu_load', experiment: 'PA', rack: 'r2', source: 'host-2', tag_source: 'tagged' },
          values: [
            [T0, '10'],
            [T0 + 30, '13'],
            [T0 + 60, '16'],
            [T0 + 90, '19'],
          ],
        },
      ],
    });
  });

  it('an instant query reads millisecond points, the later sample of a millisecond winning', async () => {
    const response = await get(`/query?query=${encodeURIComponent('cpu_load{source="host-1"}')}&time=${T0 + 95.5}`);
    expect(ok(response)).toEqual({
      resultType: 'vector',
      result: [{ metric: { __name__: 'cpu_load', experiment: 'PA', rack: 'r1', source: 'host-1', unit: '%' }, value: [T0 + 95.5, '51'] }],
    });
  });

  it('a SCIENTIST sees only associated experiments, in every listing and query', async () => {
    const range = `start=${T0 - 60}&end=${T0 + 120}`;
    expect(ok(await get(`/label/experiment/values?${range}`, scientist))).toEqual(['PA']);
    expect(ok(await get(`/label/experiment/values?${range}`))).toEqual(['PA', 'PB']);
    expect(ok(await get(`/labels?${range}`, scientist))).not.toContain('site');
    const all = ok(await get(`/series?match[]=${encodeURIComponent('{experiment=~".+"}')}&${range}`, scientist));
    expect(new Set(all.map((s: { experiment: string }) => s.experiment))).toEqual(new Set(['PA']));
    expect(ok(await get(`/series?match[]=${encodeURIComponent('{experiment="PB"}')}`, scientist))).toEqual([]);
    const vector = ok(await get(`/query?query=${encodeURIComponent('{experiment=~".+"}')}&time=${T0 + 95}`, scientist));
    expect(new Set(vector.result.map((s: { metric: { experiment: string } }) => s.metric.experiment))).toEqual(new Set(['PA']));
    expect(ok(await get(`/query?query=${encodeURIComponent('cpu_load{experiment="PB"}')}&time=${T0 + 95}`, scientist))).toEqual({
      resultType: 'vector',
      result: [],
    });
    expect(ok(await get(`/query?query=${encodeURIComponent('cpu_load{experiment="PB"}')}&time=${T0 + 95}`)).result).toHaveLength(1);
  });

  it('lists only series with samples in the window', async () => {
    expect(ok(await get(`/series?match[]=cpu_load&start=${T0 + 1000}&end=${T0 + 2000}`))).toEqual([]);
    expect(ok(await get(`/series?match[]=mem_used&start=${iso(T0)}&end=${iso(T0)}`))).toHaveLength(1);
  });

  it("refuses a query that would read more samples than PROMQL_MAX_SAMPLES, with Prometheus's execution error", async () => {
    const response = await get(`/query?query=${encodeURIComponent('{experiment=~".+"}')}&time=${T0 + 95}`);
    fails(response, 422, 'execution', 'query would read more than 25 samples');
  });

  it("answers bad parameters with Prometheus's errors", async () => {
    fails(
      await get(`/query_range?query=cpu_load&start=${T0}&end=${T0 + 10}&step=0`),
      400,
      'bad_data',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    fails(await get(`/query_range?query=cpu_load&start=10&end=0&step=1`), 400, 'bad_data', 'invalid parameter "end": end timestamp must not be before start time');
    fails(
      await get(`/query_range?query=cpu_load&start=0&end=11001&step=1`),
      400,
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
    fails(await get(`/query_range?query=cpu_load&start=0&end=1`), 400, 'bad_data', 'invalid parameter "step": cannot parse "" to a valid duration');
    fails(
      await get('/query?query=cpu_load&time=abc'),
      400,
      'bad_data',
      `invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp`,
    );
    fails(await get('/query?query=cpu_load&timeout=abc'), 400, 'bad_data', 'invalid parameter "timeout": cannot parse "abc" to a valid duration');
    fails(await get('/series'), 400, 'bad_data', 'no match[] parameter provided');
    fails(
      await get(`/series?match[]=${encodeURIComponent('{rack=""}')}`),
      400,
      'bad_data',
      'invalid parameter "match[]": match[] must contain at least one non-empty matcher',
    );
    fails(await get('/label/1x/values'), 400, 'bad_data', 'invalid label name: "1x"');
    const parse = await get(`/query?query=${encodeURIComponent('cpu_load(')}`);
    expect(parse.status).toBe(400);
    expect(parse.body.error).toMatch(/^invalid parameter "query": /);
  });

  it('ignores unknown parameters and a JSON body, as Prometheus does', async () => {
    const response = await get(`/query?query=mem_used&time=${T0}&nonsense=1`);
    expect(ok(response).result).toHaveLength(1);
    const json = await call(p.baseUrl, 'POST', `${V1}/query?query=mem_used&time=${T0}`, { token: admin, body: { query: 'ignored' } });
    expect(ok(json).result).toHaveLength(1);
  });
});
