import { call, eventually, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus-server';

const T0 = 1_700_000_000;
const V1 = '/prometheus/api/v1';

/** What one answer says: its status and Prometheus's `errorType` (or `success`). */
type Outcome = [number, string];

/**
 * The edges of the Prometheus API, the PromQL engine and the rules REST: odd numbers, impossible times,
 * overflowing durations, user-chosen keys that name Object.prototype members, oversized and 4-byte UTF-8
 * fields. Each answer has the right status and error shape and is never a 5xx; the Prometheus API's
 * parameter and expression handling is compared with a real Prometheus 2.42, case by case.
 */
describe('alerting edges', () => {
  let p: TestPlatform;
  let prom: PrometheusServer;
  let admin: string;
  const answers: Array<{ what: string; prometheusApi: boolean; response: ApiResponse }> = [];

  const send = async (what: string, method: string, path: string, options: Parameters<typeof call>[3] = {}): Promise<ApiResponse> => {
    const response = await call(p.baseUrl, method, path, { token: admin, ...options });
    answers.push({ what, prometheusApi: path.startsWith(V1), response });
    return response;
  };
  const getV1 = (path: string) => send(`GET ${path}`, 'GET', `${V1}${path}`);
  const postV1 = (path: string) => {
    const [endpoint = '', ...query] = path.split('?');
    return send(`POST ${path}`, 'POST', `${V1}${endpoint}`, { rawBody: query.join('?'), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  };
  const outcome = (response: { status: number; body: { status?: string; errorType?: string } }): Outcome => [
    response.status,
    response.body?.errorType ?? response.body?.status ?? '',
  ];
  const prometheus = async (path: string): Promise<Outcome> => {
    const response = await fetch(`${prom.baseUrl}/api/v1${path}`);
    return outcome({ status: response.status, body: (await response.json()) as { status: string } });
  };

  beforeAll(async () => {
    [p, prom] = await Promise.all([startPlatform({ consume: true }), startPrometheus()]);
    admin = await p.tokenFor(p.admin);
    expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'EDGE', name: 'edge' } })).status).toBe(201);
    const measures: object[] = [];
    for (let i = 0; i < 10; i++) {
      measures.push({ experiment: 'EDGE', metric: 'x', source: 'h1', tags: { constructor: 'c', toString: 't' }, value: i, timestamp: (T0 + i * 10) * 1000 });
    }
    await p.publish(measures);
    await eventually(
      async () => (await call(p.baseUrl, 'GET', '/experiments/EDGE/measures?limit=100', { token: admin })).body.items?.length,
      (n) => n === 10,
      { what: 'measures stored' },
    );
  }, 120_000);

  afterAll(async () => {
    await p?.stop();
    await prom?.stop();
  });

  const times = ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-02-28T24:00:00Z', '2026-02-28T23:59:60Z', '2016-12-31T23:59:60Z', '1e309',
    '27e1', '-0', '8.64e12', '0x10', ' 1', '1 ', '', '2026-02-28T00:00:00.1234567891Z', '2026-02-28t00:00:00z', '2026-02-28T00:00:00+23:59'];
  const steps = ['0.0001', '1e-9', 'NaN', '-1', '0', '-0', '1e309', 'Inf', '1ms', '0s', '99999999y', '1y1y', '1.5m', '9223372036', '9223372037', '27e1', '1e-3'];
  const expressions = ['topk(1e20, x)', 'topk(NaN, x)', 'topk(-1, x)', 'topk(Inf, x)', 'bottomk(9007199254740993, x)', 'quantile(NaN, x)', 'quantile(1e309, x)',
    'label_replace(x, "a", "$1", "b", "(")', 'label_replace(x, "a", "$1", "b", "a{2,1}")', 'label_replace(x, "1bad", "$1", "source", "(.*)")',
    'count_values("1x", x)', 'x[99999999y]', 'x[999999999999y]', 'rate(x[99999999y])', 'x offset 99999999y', 'x offset -99999999y', '-x offset 1e18',
    'x @ 1e300', 'x @ -1e300', 'x @ Inf', 'x @ NaN', 'x[5m] @ 1e10', 'x{source=~"(a+)+b"}', 'x{source=~"(a|a)*b"}', 'x{source=~"(?=a)"}', 'x{source=~"\\\\1"}',
    'x{source=~"a{1001}"}', 'x{source=~"[[:alpha:]]"}', 'x{source=~"\\\\pL"}', 'x[5m:0s]', 'max_over_time(x[99999999y:1ms])', 'x[1e3]', 'clamp(x, NaN, Inf)',
    'histogram_quantile(NaN, x)', 'vector(1e309)', '1 / 0', '0x10', '1e309', 'x{__name__=~".*"}', '{__name__=""}', '{source=~".*"}', '"a" + 1',
    'x{source=~"(?i)H1"}', 'x{source=~"\\\\Qh1\\\\E"}', 'x{source=~"(?P<n>h)1"}', 'x{source=~"(?<n>h)1"}', 'x{source=~"\\\\z"}', 'x{source=~"\\\\C1"}',
    'x{source=~"[[:word:]]+"}', 'x{source=~"(?U)h1"}', 'x{source=~"(?s)h."}', 'x{source=~"h\\\\d"}', 'x{source=~"\\\\x{68}1"}', 'x{source=~"[^\\\\x00-\\\\x{10FFFF}]"}',
    'x{source=~"h1|"}', 'x{source=~"()"}', 'x{source=~"\\\\b"}', 'x{source=~"a**"}', 'x{source=~"(?m)^h1$"}', 'x{source=~"\\\\p{Greek}"}', 'x{source=~"\\\\pN"}',
    'label_replace(x, "a", "$1$2", "source", "(h)(?:1)")', 'label_replace(x, "a", "${1}x", "source", "(h)1")', 'label_replace(x, "a", "$name", "source", "(?P<name>h)1")',
    'label_replace(x, "a", "$1", "source", "(?i)H(1)")', 'label_replace(x, "a", "$$", "source", ".*")', 'label_replace(x, "a", "$1", "source", "(a+)+b")'];
  const queryCases = [
    ...times.map((t) => `/query?query=1&time=${encodeURIComponent(t)}`),
    ...steps.map((s) => `/query_range?query=1&start=${T0}&end=${T0 + 100}&step=${encodeURIComponent(s)}`),
    `/query_range?query=1&start=${T0 + 100}&end=${T0}&step=1`,
    `/query_range?query=1&start=0&end=${T0}&step=1`,
    `/query_range?query=1&start=${T0}&end=${T0}&step=1`,
    '/query?query=1&timeout=1e309', '/query?query=1&timeout=Inf',
    ...expressions.map((q) => `/query?time=${T0 + 95}&query=${encodeURIComponent(q)}`),
    '/series', '/series?match[]=%7B%7D', '/series?match[]=x&start=1e309', '/series?match[]=x&start=2026-02-30T00:00:00Z', `/series?match[]=x&start=${T0 + 100}&end=${T0}`,
    '/labels?match[]=(', '/label/1bad/values', '/label/%C3%A9/values', '/label/__proto__/values', '/label/constructor/values',
  ];
  /** Where MyMONIT answers otherwise on purpose (docs/promql.md, "Deliberate differences"). */
  const deliberate = new Map<string, Outcome>([
    // Prometheus turns these into arbitrary instants; refused.
    ...['NaN', 'Inf', '-Inf', '-1e20', '9007199254740993', '1e15'].map((t): [string, Outcome] => [`/query?query=1&time=${t}`, [400, 'bad_data']]),
    // RFC 3339 offsets end at 23:59; Go reads +24:00.
    [`/query?query=1&time=${encodeURIComponent('2026-02-28T00:00:00+24:00')}`, [400, 'bad_data']],
    // PromQL counts in milliseconds: a step under 1 ms is a zero step (Prometheus: too many points).
    [`/query_range?query=1&start=${T0}&end=${T0 + 100}&step=0.0001`, [400, 'bad_data']],
    [`/query_range?query=1&start=${T0}&end=${T0 + 100}&step=1e-9`, [400, 'bad_data']],
    // A timeout that is not positive is the client's fault: Prometheus's 503 invites retries that cannot succeed.
    ...['0', '-1', 'NaN', '0s'].map((t): [string, Outcome] => [`/query?query=1&timeout=${t}`, [400, 'bad_data']]),
  ]);

  it.each(queryCases)('GET and POST %s answer as Prometheus 2.42 does', async (path) => {
    const theirs = await prometheus(path);
    const mine = await getV1(path);
    expect({ path, outcome: outcome(mine) }).toEqual({ path, outcome: theirs });
    if (!path.startsWith('/label/')) expect({ path, outcome: outcome(await postV1(path)) }).toEqual({ path, outcome: theirs });
  });

  it.each([...deliberate])('%s: a deliberate difference from Prometheus', async (path, expected) => {
    expect(outcome(await getV1(path))).toEqual(expected);
    expect(outcome(await postV1(path))).toEqual(expected);
  });

  it('a leap second is not a valid time, as Go reads RFC 3339 (it was read as the minute\'s last millisecond)', async () => {
    const response = await getV1(`/query?query=1&time=${encodeURIComponent('2026-02-28T23:59:60Z')}`);
    expect(response.body).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid parameter "time": Invalid time value for \'time\': cannot parse "2026-02-28T23:59:60Z" to a valid timestamp',
    });
  });

  it.each(['0', '-1', 'NaN'])('timeout=%s is a 400 naming the parameter, not a 503', async (timeout) => {
    const response = await getV1(`/query?query=1&timeout=${timeout}`);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'invalid parameter "timeout": timeout must be positive' },
    });
  });

  it('labels named like Object.prototype members round-trip through selectors, by, label_replace, count_values and absent', async () => {
    const data = async (q: string) => {
      const response = await getV1(`/query?time=${T0 + 95}&query=${encodeURIComponent(q)}`);
      expect(response.status).toBe(200);
      return response.body.data.result as Array<{ metric: Record<string, string> }>;
    };
    const metric = (result: Array<{ metric: Record<string, string> }>) => JSON.stringify(result.map((r) => r.metric));
    expect(metric(await data('x{constructor="c", toString="t"}'))).toBe(JSON.stringify([{ __name__: 'x', constructor: 'c', experiment: 'EDGE', source: 'h1', toString: 't' }]));
    expect(metric(await data('x{__proto__="p"}'))).toBe('[]');
    expect(metric(await data('sum by (constructor, __proto__) (x)'))).toBe(JSON.stringify([{ constructor: 'c' }]));
    expect(metric(await data('count_values("__proto__", x)'))).toBe('[{"__proto__":"9"}]');
    expect(metric(await data('absent(nope{__proto__="a", hasOwnProperty="b"})'))).toBe('[{"__proto__":"a","hasOwnProperty":"b"}]');
    expect(metric(await data('label_replace(x, "__proto__", "$1", "source", "(.*)")'))).toBe(
      '[{"__name__":"x","__proto__":"h1","constructor":"c","experiment":"EDGE","source":"h1","toString":"t"}]',
    );
    const values = await getV1('/label/toString/values');
    expect(values.body).toEqual({ status: 'success', data: ['t'] });
    expect((await getV1('/label/__proto__/values')).body).toEqual({ status: 'success', data: [] });
  });

  it.each([
    ['$1x', '(h)1', undefined], // Go reads $1x as the group named "1x": none, so the label is empty (dropped)
    ['${1}x', '(h)1', 'hx'],
    ['$name', '(?P<name>h)1', 'h'],
    ['$$', '.*', '$'],
    ['$1', '(?i)H(1)', '1'],
    ['$1', '(h)', undefined], // fully anchored: "h" does not match "h1", the series passes unchanged
    ['$2', '(h1)(x)?', undefined], // an unmatched optional group expands to nothing
  ])('label_replace with replacement %s and regex %s expands as Go does', async (replacement, regex, expected) => {
    const q = `label_replace(x, "a", ${JSON.stringify(replacement)}, "source", ${JSON.stringify(regex)})`;
    const response = await getV1(`/query?time=${T0 + 95}&query=${encodeURIComponent(q)}`);
    expect(response.status).toBe(200);
    expect(response.body.data.result[0].metric.a).toBe(expected);
  });

  const group = (name: string, rule: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ name, rules: [{ alert: 'A', expr: 'x > 1', ...rule }], ...extra });
  // Every row has four cells: jest takes a fourth parameter missing from a row for a done callback.
  const ruleCases: Array<[string, string, number, string | undefined]> = [
    ['a 300-character group name', group('n'.repeat(300), {}), 400, 'name'],
    ['a 256-character group name', group('n'.repeat(256), {}), 400, 'name'],
    ['a 300-character alert name', group('j1', { alert: 'A'.repeat(300) }), 400, 'rules[0].alert'],
    ['a 4-byte UTF-8 label name', group('j2', { labels: { 'a😀': 'x' } }), 400, 'rules[0].labels.a😀'],
    ['for: 999999999y', group('j3', { for: '999999999y' }), 400, 'rules[0].for'],
    ['for: 293y', group('j4', { for: '293y' }), 400, 'rules[0].for'],
    ['for: -1s', group('j5', { for: '-1s' }), 400, 'rules[0].for'],
    ['for: 1.5m', group('j6', { for: '1.5m' }), 400, 'rules[0].for'],
    ['keep_firing_for: 999999999y', group('j7', { keep_firing_for: '999999999y' }), 400, 'rules[0].keep_firing_for'],
    ['interval: 0s', group('j8', {}, { interval: '0s' }), 400, 'interval'],
    ['interval: 99999999y', group('j9', {}, { interval: '99999999y' }), 400, 'interval'],
    ['interval: 27e1', group('j10', {}, { interval: '27e1' }), 400, 'interval'],
    ['an expression range out of bounds', group('j11', { expr: 'rate(x[99999999y]) > 0' }), 400, 'rules[0].expr'],
    ['a 1 MB expression', group('j12', { expr: `${'x + '.repeat(250_000)}x` }), 400, 'rules[0].expr'],
    ['5000 nested parentheses', group('j13', { expr: `${'('.repeat(5000)}x${')'.repeat(5000)}` }), 400, 'rules[0].expr'],
    ['a NUL in the expression', group('j14', { expr: 'x\u0000' }), 400, 'rules[0].expr'],
    ['an unclosed template', group('j15', { annotations: { s: '{{ $labels.x ' } }), 400, 'rules[0].annotations'],
    ['label __name__', group('j16', { labels: { __name__: 'x' } }), 400, 'rules[0].labels.__name__'],
    ['a 17 MB annotation', group('j17', { annotations: { s: '😀'.repeat(1_000_000) } }), 413, undefined],
    ['a bad body', '{"name":', 400, undefined],
    ['4-byte UTF-8 names and values', group('g😀', { alert: 'A😀', labels: { a: '😀' }, annotations: { s: '😀 {{ $labels.a }}' } }), 201, undefined],
    ['a 70k-character annotation', group('j18', { annotations: { s: 'a'.repeat(70_000) } }), 201, undefined],
  ];

  it.each(ruleCases)('POST JSON rule group with %s: %d', async (what, body, status, path) => {
    const response = await send(`rules ${what}`, 'POST', '/experiments/EDGE/rule-groups', { rawBody: body });
    expect(response.status).toBe(status);
    if (status >= 400) expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    if (path !== undefined) expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('rule labels, annotations and templates named like Object.prototype members round-trip in JSON and YAML', async () => {
    const json = JSON.stringify({ name: 'protos', rules: [{ alert: 'A', expr: 'x > 1', labels: { a: 'b' }, annotations: { s: 't' } }] })
      .replace('"a":"b"', '"__proto__":"p","constructor":"c","toString":"t"')
      .replace('"s":"t"', '"__proto__":"{{ $labels.__proto__ }}","valueOf":"{{ $labels.constructor }}"');
    expect((await send('rules protos', 'POST', '/experiments/EDGE/rule-groups', { rawBody: json })).status).toBe(201);
    const yaml = 'groups:\n- name: yprotos\n  rules:\n  - alert: A\n    expr: x > 1\n    labels: {__proto__: p, constructor: c}\n    annotations: {toString: "{{ $labels.__proto__ }}"}\n';
    const created = await send('rules yaml protos', 'POST', '/experiments/EDGE/rule-groups', { rawBody: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(created.status).toBe(201);
    const read = async (name: string) => JSON.stringify((await send(`GET ${name}`, 'GET', `/experiments/EDGE/rule-groups/${name}`)).body.rules[0].labels);
    expect(await read('protos')).toBe('{"__proto__":"p","constructor":"c","toString":"t"}');
    expect(await read('yprotos')).toBe('{"__proto__":"p","constructor":"c"}');
    const annotations = (await send('GET protos', 'GET', '/experiments/EDGE/rule-groups/protos')).body.rules[0].annotations;
    expect(JSON.stringify(annotations)).toBe('{"__proto__":"{{ $labels.__proto__ }}","valueOf":"{{ $labels.constructor }}"}');
    // And the Prometheus view of the same rules.
    const rules = await getV1('/rules?type=alert');
    const listed = rules.body.data.groups.find((g: { name: string }) => g.name === 'protos');
    expect(JSON.stringify(listed.rules[0].labels)).toBe('{"__proto__":"p","constructor":"c","toString":"t"}');
  });

  it.each([
    ['/experiments/%00/rule-groups', 400],
    ['/experiments/..%2F..%2Fx/rule-groups', 400],
    ['/experiments/EDGE/rule-groups/%00', 404],
    ['/experiments/EDGE/rule-groups/%E0%A4%A', 400],
    [`/experiments/EDGE/rule-groups/${'n'.repeat(300)}`, 400],
    ['/rules/27e1', 400],
    ['/rules/9007199254740993', 400],
    ['/alerts/history?from=2026-02-30T00:00:00Z', 400],
    ['/alerts/history?from=1e309', 400],
    ['/alerts/history?limit=27e1', 400],
    ['/alerts/history?rule=9007199254740993', 400],
    ['/alerts/history?cursor=eyJ4IjoxfQ', 400],
    ['/alerts?severity=constructor', 400],
  ])('GET %s: %d problem+json', async (path, status) => {
    const response = await send(`GET ${path}`, 'GET', path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it.each([`${'x and '.repeat(20000)}x`, `${'1 + '.repeat(20000)}1`, `sum(${'x + '.repeat(5000)}x)`, `${'('.repeat(3000)}x${')'.repeat(3000)}`])(
    'a query nested deeper than the parser follows is bad_data, never a 500 (it was, once the stack ran out): %#',
    async (query) => {
      for (const response of [await postV1(`/query?time=${T0 + 95}&query=${encodeURIComponent(query)}`), await postV1(`/query_range?start=${T0}&end=${T0 + 95}&step=15&query=${encodeURIComponent(query)}`)]) {
        expect(outcome(response)).toEqual([400, 'bad_data']);
        expect(response.body.error).toMatch(/^(invalid parameter "query": )?\d+:\d+: parse error: /);
      }
    },
  );

  it('a form body over the size limit is a 413 in Prometheus\'s envelope (it was problem+json)', async () => {
    const response = await postV1(`/query?query=${'x'.repeat(20_000_000)}`);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.body).toEqual({ status: 'error', errorType: 'bad_data', error: expect.stringMatching(/^error parsing form values: the body exceeds /) });
    const charset = await send('POST charset', 'POST', `${V1}/query`, { rawBody: 'query=1', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=klingon' } });
    expect({ status: charset.status, errorType: charset.body?.errorType }).toEqual({ status: 415, errorType: 'bad_data' });
  });

  it('a rule test expands $labels.__proto__, constructor and toString as the labels they are', async () => {
    const at = new Date((T0 + 95) * 1000).toISOString();
    const body = {
      alert: 'A',
      expr: 'label_replace(x, "__proto__", "p", "", "")',
      labels: { toString: 'q' },
      annotations: { s: '{{ $labels.__proto__ }}|{{ $labels.constructor }}|{{ $labels.toString }}|{{ $labels.valueOf }}|{{ index $labels "__proto__" }}' },
      time: at,
    };
    const response = await send('rule test protos', 'POST', '/experiments/EDGE/rules/test', { body });
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body.elements[0].labels)).toBe('{"__proto__":"p","alertname":"A","constructor":"c","experiment":"EDGE","source":"h1","toString":"q"}');
    expect(response.body.elements[0].annotations).toEqual({ s: 'p|c|q||p' });
  });

  it('a printf width past 1000 is a 400 naming the annotation (it was a 500 building a billion-character string)', async () => {
    const body = { alert: 'A', expr: 'x', annotations: { s: '{{ printf "%0999999999d" 1 }}' }, time: new Date((T0 + 95) * 1000).toISOString() };
    const tested = await send('rule test printf', 'POST', '/experiments/EDGE/rules/test', { body });
    expect(tested.status).toBe(400);
    expect(tested.body.errors[0].path).toBe('annotations');
    expect(tested.body.detail).toMatch(/width and precision are at most 1000/);
    const created = await send('rules printf', 'POST', '/experiments/EDGE/rule-groups', { rawBody: group('printf', { annotations: { s: '{{ printf "%.9999999f" 1.5 }}' } }) });
    expect(created.status).toBe(400);
    expect(created.body.errors[0].path).toBe('rules[0].annotations');
  });

  it.each([
    [{ alert: 'A', expr: 'x', start: new Date(T0 * 1000).toISOString(), end: '9999-12-31T23:59:59Z', step: '1s' }, 400],
    [{ alert: 'A', expr: 'x', start: '0000-01-01T00:00:00Z', end: '9999-12-31T23:59:59Z', step: '292y' }, 200],
    [{ alert: 'A', expr: 'x', time: '0000-01-01T00:00:00Z' }, 200],
    [{ alert: 'A', expr: 'x', time: '9999-12-31T23:59:59.999999Z' }, 200],
    [{ alert: 'A', expr: 'x', time: '2026-02-30T00:00:00Z' }, 400],
    [{ alert: 'A', expr: 'x', time: '1e309' }, 400],
    [{ alert: 'A', expr: 'x', start: '2023-11-14T22:15:00Z', end: '2023-11-14T22:13:20Z', step: '1s' }, 400],
    [{ alert: 'A', expr: 'x', start: '2023-11-14T22:13:20Z', end: '2023-11-14T22:15:00Z', step: '0s' }, 400],
    [{ alert: 'A', expr: 'x', start: '2023-11-14T22:13:20Z', end: '2023-11-14T22:15:00Z', step: '27e1' }, 400],
  ])('a rule test over %j: %d', async (body, status) => {
    const response = await send('rule test window', 'POST', '/experiments/EDGE/rules/test', { body });
    expect(response.status).toBe(status);
  });

  it('never answered a 5xx, each error in its API\'s format, with no stack trace or SQL', () => {
    expect(answers.length).toBeGreaterThan(200);
    expect(answers.filter((a) => a.response.status >= 500).map((a) => `${a.what}: ${a.response.status}`)).toEqual([]);
    const misshapen = answers.filter(({ prometheusApi, response }) => {
      if (response.status < 400) return false;
      const text = JSON.stringify(response.body);
      if (/\n\s+at |ER_[A-Z_]+|SELECT |INSERT INTO|sqlMessage/.test(text)) return true;
      // Prometheus has only GET for label values: its 405 carries no body shape to follow.
      if (response.status === 405) return false;
      if (prometheusApi) {
        const body = response.body as { status?: string; errorType?: string; error?: string };
        return !(body.status === 'error' && typeof body.errorType === 'string' && typeof body.error === 'string');
      }
      return !/^application\/problem\+json/.test(response.headers.get('content-type') ?? '');
    });
    expect(misshapen.map((a) => `${a.what}: ${a.response.status} ${JSON.stringify(a.response.body).slice(0, 200)}`)).toEqual([]);
  });
});
