import { call, eventually, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

const V1 = '/prometheus/api/v1';
const A = 'EXPA';
const B = 'EXPB';
/** B's values are all >= B_VALUE: a number this high in a SCIENTIST's answer can only come from B. */
const B_VALUE = 700;

/**
 * The authorization proof of the Prometheus-compatible API, rules and alerts: two experiments with the same
 * metric names and tags, only A associated with the SCIENTIST, rules firing in both (the real engine, the
 * real evaluator). Every SCIENTIST answer must equal, byte for byte, what an ADMIN gets for the same
 * question restricted to A: no series, value, label value or metric name of B, and no different shape
 * that would tell something was filtered.
 */
describe('a SCIENTIST sees only associated experiments through PromQL, rules and alerts', () => {
  let p: TestPlatform;
  let admin: string;
  let scientist: string;
  /** The evaluation time of every query (seconds): fixed, so that ALERTS written later cannot differ between two answers. */
  let T: number;
  let bRuleId: number;

  const form = (fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    return body;
  };
  const get = (path: string, fields: Record<string, string | string[]>, token: string) =>
    call(p.baseUrl, 'GET', `${V1}${path}?${form(fields).toString()}`, { token });
  const post = (path: string, fields: Record<string, string | string[]>, token: string) =>
    call(p.baseUrl, 'POST', `${V1}${path}`, {
      token,
      rawBody: form(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  const ok = (response: ApiResponse, what: string): unknown => {
    if (response.status !== 200 || response.body?.status !== 'success') {
      throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body.data;
  };
  /** Nothing of B: its code, its own metric and tag, its values. */
  const expectNoB = (data: unknown, what: string) => {
    const text = JSON.stringify(data);
    expect({ what, leaks: [B, 'only_b', 'b_secret'].filter((s) => text.includes(s)) }).toEqual({ what, leaks: [] });
    const values = [...text.matchAll(/"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"/g)].map((m) => Number(m[1]));
    expect({ what, bValues: values.filter((v) => v >= B_VALUE && v < T - 1e6) }).toEqual({ what, bValues: [] });
  };
  /** The SCIENTIST's answer to `path` with `fields`, and the ADMIN's to `adminFields`: equal, over GET and POST. */
  const same = async (
    path: string,
    fields: Record<string, string | string[]>,
    adminFields: Record<string, string | string[]>,
    options: { leakCheck?: boolean } = {},
  ) => {
    const what = `${path} ${JSON.stringify(fields)}`;
    const expected = ok(await get(path, adminFields, admin), `ADMIN ${what}`);
    // Like Prometheus, /label/{name}/values, /rules and /alerts are GET only.
    for (const send of path.startsWith('/label/') ? [get] : [get, post]) {
      const actual = ok(await send(path, fields, scientist), `SCIENTIST ${send === get ? 'GET' : 'POST'} ${what}`);
      expect({ what, answer: actual }).toEqual({ what, answer: expected });
      if (options.leakCheck !== false) expectNoB(actual, what);
    }
    return expected;
  };

  /** A 404 problem with the name it was asked for replaced, and without its per-request id: what tells two refusals apart. */
  const problem = (response: ApiResponse, name: string) => {
    const word = new RegExp(`\\b${name}\\b`, 'g');
    const fields = Object.entries(response.body as Record<string, unknown>).filter(([k]) => k !== 'requestId');
    const body = Object.fromEntries(fields.map(([k, v]) => [k, typeof v === 'string' ? v.replace(word, '<name>') : v]));
    return { status: response.status, body };
  };

  beforeAll(async () => {
    p = await startPlatform({ consume: true, components: ['rule-evaluator'] });
    admin = await p.tokenFor(p.admin);
    const person = await p.createUser('SCIENTIST');
    scientist = await p.tokenFor(person);
    for (const code of [A, B]) {
      expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code, name: code } })).status).toBe(201);
    }
    expect((await call(p.baseUrl, 'PUT', `/experiments/${A}/users/${person.id}`, { token: admin })).status).toBe(204);

    const now = Math.floor(Date.now() / 1000);
    const measures: object[] = [];
    for (let i = 0; i <= 12; i++) {
      const timestamp = new Date((now - 120 + i * 10) * 1000).toISOString();
      for (const [code, base] of [[A, 1], [B, B_VALUE]] as const) {
        measures.push(
          { experiment: code, metric: 'x', source: 'h1', unit: 'C', tags: { rack: 'r1' }, value: base + i, timestamp },
          { experiment: code, metric: 'x', source: 'h2', tags: { rack: 'r2' }, value: base + 100 + i, timestamp },
          { experiment: code, metric: 'y', source: 'h1', tags: { rack: 'r1' }, value: base + 50 + i, timestamp },
        );
      }
      measures.push({ experiment: B, metric: 'only_b_metric', source: 'h9', tags: { b_secret: 'yes' }, value: B_VALUE + 5, timestamp });
    }
    await p.publish(measures);
    const stored = async (code: string) =>
      (await call(p.baseUrl, 'GET', `/experiments/${code}/measures?limit=1000`, { token: admin })).body.items?.length;
    await eventually(async () => [await stored(A), await stored(B)], ([a, b]) => a === 39 && b === 52, { what: 'all measures stored' });

    for (const code of [A, B]) {
      const group = {
        name: 'g',
        interval: '1s',
        rules: [
          { alert: 'XPositive', expr: 'x > 0', labels: { severity: 'major' }, annotations: { summary: '{{ $labels.source }} at {{ $value }}' } },
          { alert: 'XPending', expr: 'x > 0', for: '1h' },
          { record: 'x:sum', expr: 'sum by (experiment) (x)' },
        ],
      };
      const created = await call(p.baseUrl, 'POST', `/experiments/${code}/rule-groups`, { token: admin, body: group });
      expect(created.status).toBe(201);
      if (code === B) bRuleId = created.body.rules[0].id as number;
    }
    await eventually(
      () => call(p.baseUrl, 'GET', '/alerts?state=firing', { token: admin }),
      (r) => [A, B].every((code) => r.body?.items?.filter((a: { experiment: string }) => a.experiment === code).length === 2),
      { what: 'XPositive firing in both experiments', timeoutMs: 30_000 },
    );
    // ALERTS, ALERTS_FOR_STATE and the recording are measures of both experiments once they are stored.
    await eventually(() => call(p.baseUrl, 'GET', '/alerts?state=pending', { token: admin }), (r) => r.body?.items?.length === 4, { what: 'pending' });
    // A moment already 3 s past (so that every answer below reads the same stored rows) at which
    // ALERTS, ALERTS_FOR_STATE and the recording are stored in both experiments.
    const probed = await eventually(
      async () => {
        const at = Date.now() / 1000 - 3;
        const query = 'count by (experiment, __name__) ({__name__=~"ALERTS|ALERTS_FOR_STATE|x:sum"})';
        return { at, data: ok(await get('/query', { query, time: String(at) }, admin), 'stored rule output') as { result: unknown[] } };
      },
      ({ data }) => data.result.length === 6,
      { what: 'rule output stored in both experiments', timeoutMs: 30_000, intervalMs: 250 },
    );
    T = probed.at;
  }, 90_000);

  afterAll(async () => {
    await p?.stop();
  });

  /** [what the SCIENTIST asks, what the ADMIN asks for the same answer restricted to A]. */
  const QUERIES: ReadonlyArray<readonly [string, string, { nonEmpty?: boolean; leakCheck?: boolean }?]> = [
    ['x', `x{experiment="${A}"}`, { nonEmpty: true }],
    ['{__name__="x"}', `{__name__="x",experiment="${A}"}`, { nonEmpty: true }],
    ['{__name__=~".+"}', `{__name__=~".+",experiment="${A}"}`, { nonEmpty: true }],
    ['{__name__=~".*",experiment=~".+"}', `{__name__=~".*",experiment=~".+",experiment="${A}"}`, { nonEmpty: true }],
    ['{__name__=~"x|only_b_metric"}', `{__name__=~"x|only_b_metric",experiment="${A}"}`, { nonEmpty: true }],
    [`{experiment="${B}"}`, `{experiment="${B}",experiment="${A}"}`],
    [`{experiment=~"${B}|${A}"}`, `{experiment=~"${B}|${A}",experiment="${A}"}`, { nonEmpty: true }],
    [`{experiment=~"${B.slice(0, 3)}.*"}`, `{experiment="${A}"}`, { nonEmpty: true }],
    [`{__name__=~".+",experiment!="${A}"}`, `{__name__=~".+",experiment!="${A}",experiment="${A}"}`],
    [`{__name__=~".+",experiment!~"${A}"}`, `{__name__=~".+",experiment!~"${A}",experiment="${A}"}`],
    [`x{experiment!="${A}"}`, `x{experiment!="${A}",experiment="${A}"}`],
    ['x{experiment=~".*"}', `x{experiment=~".*",experiment="${A}"}`, { nonEmpty: true }],
    ['x{experiment=""}', `x{experiment="",experiment="${A}"}`],
    ['only_b_metric', `only_b_metric{experiment="${A}"}`],
    ['{b_secret="yes"}', `{b_secret="yes",experiment="${A}"}`],
    ['count({__name__=~".+"})', `count({__name__=~".+",experiment="${A}"})`, { nonEmpty: true }],
    ['count(x)', `count(x{experiment="${A}"})`, { nonEmpty: true }],
    ['sum by (experiment) (x)', `sum by (experiment) (x{experiment="${A}"})`, { nonEmpty: true }],
    ['sum(x)', `sum(x{experiment="${A}"})`, { nonEmpty: true }],
    ['max(x) > 0', `max(x{experiment="${A}"}) > 0`, { nonEmpty: true }],
    ['topk(1, x)', `topk(1, x{experiment="${A}"})`, { nonEmpty: true }],
    ['absent(only_b_metric)', 'absent(never_stored_metric)', { nonEmpty: true }],
    [`absent(x{experiment="${B}"})`, `absent(never_stored_metric{experiment="${B}"})`, { nonEmpty: true, leakCheck: false }],
    ['absent(x)', `absent(x{experiment=~"${A}"})`],
    ['absent(nothing_anywhere)', 'absent(nothing_anywhere)', { nonEmpty: true }],
    ['absent_over_time(only_b_metric[10m])', 'absent_over_time(never_stored_metric[10m])', { nonEmpty: true }],
    ['present_over_time(only_b_metric[10m])', 'present_over_time(never_stored_metric[10m])'],
    ['count_values("experiment", x)', `count_values("experiment", x{experiment="${A}"})`, { nonEmpty: true }],
    ['count_values("v", x)', `count_values("v", x{experiment="${A}"})`, { nonEmpty: true }],
    [
      'label_replace(x, "e2", "$1", "experiment", "(.*)")',
      `label_replace(x{experiment="${A}"}, "e2", "$1", "experiment", "(.*)")`,
      { nonEmpty: true },
    ],
    [
      'label_join({__name__=~".+"}, "all", ",", "experiment", "source")',
      `label_join({__name__=~".+",experiment="${A}"}, "all", ",", "experiment", "source")`,
      { nonEmpty: true },
    ],
    ['max_over_time(x[2m:10s])', `max_over_time(x{experiment="${A}"}[2m:10s])`, { nonEmpty: true }],
    ['count(count_over_time({__name__=~".+"}[5m:30s]))', `count(count_over_time({__name__=~".+",experiment="${A}"}[5m:30s]))`, { nonEmpty: true }],
    ['x offset 1h', `x{experiment="${A}"} offset 1h`],
    ['x offset 30s', `x{experiment="${A}"} offset 30s`, { nonEmpty: true }],
    ['x @ end()', `x{experiment="${A}"} @ end()`, { nonEmpty: true }],
    ['timestamp(x)', `timestamp(x{experiment="${A}"})`, { nonEmpty: true }],
    ['group by (experiment) ({__name__=~".+"})', `group by (experiment) ({__name__=~".+",experiment="${A}"})`, { nonEmpty: true }],
    ['count by (__name__) ({__name__=~".+"})', `count by (__name__) ({__name__=~".+",experiment="${A}"})`, { nonEmpty: true }],
    ['x / on(source, rack) group_left y', `x{experiment="${A}"} / on(source, rack) group_left y{experiment="${A}"}`, { nonEmpty: true }],
    ['x unless on(source) only_b_metric', `x{experiment="${A}"}`, { nonEmpty: true }],
    ['rate(x[1m])', `rate(x{experiment="${A}"}[1m])`, { nonEmpty: true }],
    ['ALERTS', `ALERTS{experiment="${A}"}`, { nonEmpty: true }],
    ['ALERTS{alertstate="firing"}', `ALERTS{alertstate="firing",experiment="${A}"}`, { nonEmpty: true }],
    ['ALERTS_FOR_STATE', `ALERTS_FOR_STATE{experiment="${A}"}`, { nonEmpty: true }],
    ['count(ALERTS)', `count(ALERTS{experiment="${A}"})`, { nonEmpty: true }],
    ['x:sum', `x:sum{experiment="${A}"}`, { nonEmpty: true }],
  ];

  const queryCases = QUERIES.map(([query, adminQuery, options]) => ({ query, adminQuery, options: options ?? {} }));
  it.each(queryCases)('/query and /query_range: $query', async ({ query, adminQuery, options }) => {
    const instant = await same('/query', { query, time: String(T) }, { query: adminQuery, time: String(T) }, options);
    if (options.nonEmpty) expect({ query, result: (instant as { result: unknown[] }).result.length > 0 }).toEqual({ query, result: true });
    const range = { start: String(T - 150), end: String(T), step: '15' };
    const matrix = await same('/query_range', { query, ...range }, { query: adminQuery, ...range }, options);
    if (options.nonEmpty) expect({ query, result: (matrix as { result: unknown[] }).result.length > 0 }).toEqual({ query, result: true });
  });

  it('a SCIENTIST query answers its experiments only, where the ADMIN sees both', async () => {
    const both = ok(await get('/query', { query: 'count by (experiment) (x)', time: String(T) }, admin), 'ADMIN');
    expect(both).toEqual({
      resultType: 'vector',
      result: [
        { metric: { experiment: A }, value: [T, '2'] },
        { metric: { experiment: B }, value: [T, '2'] },
      ],
    });
    const mine = ok(await get('/query', { query: 'count by (experiment) (x)', time: String(T) }, scientist), 'SCIENTIST');
    expect(mine).toEqual({ resultType: 'vector', result: [{ metric: { experiment: A }, value: [T, '2'] }] });
    const absentB = ok(await get('/query', { query: 'absent(only_b_metric)', time: String(T) }, admin), 'ADMIN absent');
    expect(absentB).toEqual({ resultType: 'vector', result: [] });
    const alerts = ok(await get('/query', { query: 'count by (experiment) (ALERTS)', time: String(T) }, admin), 'ADMIN ALERTS');
    expect((alerts as { result: unknown[] }).result).toHaveLength(2);
  });

  /** The SCIENTIST's match[] and the ADMIN's with `experiment="A"` added. */
  const MATCHES: ReadonlyArray<readonly [string, string]> = [
    ['x', `x{experiment="${A}"}`],
    ['{__name__=~".+"}', `{__name__=~".+",experiment="${A}"}`],
    [`{experiment="${B}"}`, `{experiment="${B}",experiment="${A}"}`],
    [`{experiment=~"${B}|${A}"}`, `{experiment=~"${B}|${A}",experiment="${A}"}`],
    [`{__name__=~".+",experiment!="${A}"}`, `{__name__=~".+",experiment!="${A}",experiment="${A}"}`],
    [`x{experiment!~"${A}"}`, `x{experiment!~"${A}",experiment="${A}"}`],
    ['x{experiment=~".*"}', `x{experiment=~".*",experiment="${A}"}`],
    ['only_b_metric', `only_b_metric{experiment="${A}"}`],
    ['{b_secret=~".+"}', `{b_secret=~".+",experiment="${A}"}`],
    ['ALERTS', `ALERTS{experiment="${A}"}`],
    ['ALERTS_FOR_STATE', `ALERTS_FOR_STATE{experiment="${A}"}`],
  ];

  it.each(MATCHES)('/series, /labels and /label/{name}/values with match[]=%s', async (match, adminMatch) => {
    const window = { start: String(T - 600), end: String(T) };
    await same('/series', { 'match[]': match, ...window }, { 'match[]': adminMatch, ...window });
    await same('/series', { 'match[]': [match, 'y'], ...window }, { 'match[]': [adminMatch, `y{experiment="${A}"}`], ...window });
    await same('/labels', { 'match[]': match, ...window }, { 'match[]': adminMatch, ...window });
    for (const name of ['experiment', '__name__', 'source', 'b_secret', 'alertname']) {
      await same(`/label/${name}/values`, { 'match[]': match, ...window }, { 'match[]': adminMatch, ...window });
    }
  });

  it('/labels and /label/{name}/values without match[]: only the associated experiments', async () => {
    const matchA = { 'match[]': `{experiment="${A}"}` };
    const labels = (await same('/labels', {}, matchA)) as string[];
    expect(labels).toEqual(expect.arrayContaining(['__name__', 'experiment', 'source', 'rack', 'alertname']));
    const window = { start: String(T - 600), end: String(T) };
    await same('/labels', window, { ...matchA, ...window });
    for (const name of ['experiment', '__name__', 'source', 'b_secret', 'rack', 'alertname', 'alertstate']) {
      await same(`/label/${name}/values`, {}, matchA);
      await same(`/label/${name}/values`, window, { ...matchA, ...window });
    }
    expect(await same('/label/experiment/values', {}, matchA)).toEqual([A]);
    expect(await same('/label/__name__/values', {}, matchA)).toEqual(['ALERTS', 'ALERTS_FOR_STATE', 'x', 'x:sum', 'y']);
    const adminNames = ok(await get('/label/__name__/values', {}, admin), 'ADMIN names');
    expect(adminNames).toEqual(['ALERTS', 'ALERTS_FOR_STATE', 'only_b_metric', 'x', 'x:sum', 'y']);
    expect(ok(await get('/label/experiment/values', {}, admin), 'ADMIN experiments')).toEqual([A, B]);
  });

  /** Only what does not change from one evaluation to the next. */
  const stableGroups = (data: { groups: Array<Record<string, unknown>> }) =>
    data.groups.map((g) => ({
      name: g.name,
      file: g.file,
      interval: g.interval,
      rules: (g.rules as Array<Record<string, unknown>>).map((r) => ({
        name: r.name,
        query: r.query,
        type: r.type,
        state: r.state,
        labels: r.labels,
        health: r.health,
        alerts: ((r.alerts as Array<Record<string, unknown>> | undefined) ?? []).map((a) => ({ labels: a.labels, state: a.state, value: a.value, activeAt: a.activeAt })),
      })),
    }));

  it('/prometheus/api/v1/rules and /alerts: only the associated experiments groups and alerts', async () => {
    const adminRules = ok(await get('/rules', {}, admin), 'ADMIN rules') as { groups: Array<Record<string, unknown>> };
    expect(adminRules.groups.map((g) => g.file)).toEqual([A, B]);
    expect((await post('/rules', {}, scientist)).status).toBe(405);
    {
      const send = get;
      const mine = ok(await send('/rules', {}, scientist), 'SCIENTIST rules') as { groups: Array<Record<string, unknown>> };
      expect(stableGroups(mine)).toEqual(stableGroups({ groups: adminRules.groups.filter((g) => g.file === A) }));
      expect(mine.groups.length).toBe(1);
      expectNoB(stableGroups(mine), '/rules');
      const alerts = ok(await send('/alerts', {}, scientist), 'SCIENTIST alerts') as { alerts: Array<{ labels: Record<string, string> }> };
      const adminAlerts = ok(await get('/alerts', {}, admin), 'ADMIN alerts') as { alerts: Array<{ labels: Record<string, string> }> };
      expect(adminAlerts.alerts.map((a) => a.labels.experiment).sort()).toEqual([A, A, A, A, B, B, B, B]);
      expect(alerts.alerts).toEqual(adminAlerts.alerts.filter((a) => a.labels.experiment === A));
      expectNoB(alerts, '/alerts');
    }
  });

  it('GET /alerts and /alerts/history: the same matrix as measures', async () => {
    const active = await call(p.baseUrl, 'GET', '/alerts', { token: scientist });
    const activeA = await call(p.baseUrl, 'GET', `/alerts?experiment=${A}`, { token: admin });
    expect(active.status).toBe(200);
    expect(active.body.items.length).toBe(4);
    expect(active.body).toEqual(activeA.body);
    expectNoB(active.body, 'GET /alerts');
    const allActive = await call(p.baseUrl, 'GET', '/alerts', { token: admin });
    expect(new Set(allActive.body.items.map((a: { experiment: string }) => a.experiment))).toEqual(new Set([A, B]));
    expect((await call(p.baseUrl, 'GET', `/alerts?experiment=${A}`, { token: scientist })).body).toEqual(activeA.body);

    const history = await call(p.baseUrl, 'GET', `/alerts/history?to=${new Date(T * 1000).toISOString()}`, { token: scientist });
    const historyA = await call(p.baseUrl, 'GET', `/alerts/history?experiment=${A}&to=${new Date(T * 1000).toISOString()}`, { token: admin });
    expect(history.status).toBe(200);
    expect(history.body.items.length).toBeGreaterThan(0);
    expect(history.body).toEqual(historyA.body);
    expectNoB(history.body, 'GET /alerts/history');

    for (const path of [`/alerts?experiment=${B}`, `/alerts/history?experiment=${B}`, `/alerts?experiment=${B}&state=firing`]) {
      const refused = await call(p.baseUrl, 'GET', path, { token: scientist });
      const notFound = await call(p.baseUrl, 'GET', path.replace(B, 'NOSUCH'), { token: scientist });
      expect({ path, status: refused.status }).toEqual({ path, status: 404 });
      expect(problem(refused, B)).toEqual(problem(notFound, 'NOSUCH'));
    }
    // A rule of B named by id is as absent as a rule that does not exist.
    const historyByRule = await call(p.baseUrl, 'GET', `/alerts/history?rule=${bRuleId}`, { token: scientist });
    expect(historyByRule.body.items).toEqual([]);
    expect((await call(p.baseUrl, 'GET', `/alerts?rule=${bRuleId}`, { token: scientist })).body.items).toEqual([]);
  });

  it('rule groups and rules of an unassociated experiment are 404, like measures', async () => {
    for (const path of [`/experiments/${B}/rule-groups`, `/experiments/${B}/rule-groups/g`, `/experiments/${B}/measures`]) {
      const refused = await call(p.baseUrl, 'GET', path, { token: scientist });
      const missing = await call(p.baseUrl, 'GET', path.replace(B, 'NOSUCH'), { token: scientist });
      expect({ path, status: refused.status }).toEqual({ path, status: 404 });
      expect(problem(refused, B)).toEqual(problem(missing, 'NOSUCH'));
    }
    // Writes are an ADMIN's: refused to a SCIENTIST alike for B and for an experiment that does not exist.
    const writes: ReadonlyArray<readonly [string, string, unknown]> = [
      ['POST', `/experiments/${B}/rule-groups`, { name: 'h', rules: [{ alert: 'Z', expr: 'x > 0' }] }],
      ['PUT', `/experiments/${B}/rule-groups/g`, { name: 'g', rules: [{ alert: 'Z', expr: 'x > 0' }] }],
      ['DELETE', `/experiments/${B}/rule-groups/g`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const refused = await call(p.baseUrl, method, path, { token: scientist, body });
      const missing = await call(p.baseUrl, method, path.replace(B, 'NOSUCH'), { token: scientist, body });
      expect({ method, path, status: refused.status }).toEqual({ method, path, status: missing.status });
      expect(refused.status).toBeGreaterThanOrEqual(403);
      expect(problem(refused, B)).toEqual(problem(missing, 'NOSUCH'));
    }
    expect((await call(p.baseUrl, 'GET', `/experiments/${B}/rule-groups/g`, { token: admin })).body.rules).toHaveLength(3);
    const rule = await call(p.baseUrl, 'GET', `/rules/${bRuleId}`, { token: scientist });
    const missingRule = await call(p.baseUrl, 'GET', '/rules/999999', { token: scientist });
    expect(rule.status).toBe(404);
    expect(problem(rule, String(bRuleId))).toEqual(problem(missingRule, '999999'));
    expect((await call(p.baseUrl, 'GET', `/rules/${bRuleId}`, { token: admin })).status).toBe(200);
    const mine = await call(p.baseUrl, 'GET', `/experiments/${A}/rule-groups`, { token: scientist });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((g: { experiment: string }) => g.experiment)).toEqual([A]);
  });
});
