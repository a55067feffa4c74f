import { comparePromAnswers, labelsKey, type PromAnswer } from '../../support/promql-compare';
import {
  diffTarget,
  promRequest,
  seconds,
  startDifferentialPair,
  type DifferentialPair,
  type Params,
  type PromApi,
} from '../../support/promql-differential';

/**
 * Grafana compatibility without Grafana (issue 12): the requests Grafana's Prometheus data source sends
 * (buildinfo, labels, label values, series with match[], query_range and query as POST forms) asked of
 * Prometheus 2.42 and of the target, over the same data set, answered alike.
 *
 * What "alike" means for the metadata endpoints: MyMONIT adds the labels `experiment` (and `source`,
 * `unit` when a measure has them; the data set has neither), so label names are compared without those
 * three. The time windows cover the whole data set or none of it: Prometheus answers metadata per block
 * and per chunk, so a window that cuts through the data has no exact answer to match.
 */
const TARGET = diffTarget();
const ADDED_LABELS = new Set(['experiment', 'source', 'unit']);
const HOUR = 3_600_000;

describe(`Grafana's requests: ${TARGET} answers like Prometheus 2.42`, () => {
  let pair: DifferentialPair;
  let all: Params;
  let none: Params;

  beforeAll(async () => {
    pair = await startDifferentialPair(TARGET);
    all = [
      ['start', seconds(pair.dataset.startMs - HOUR)],
      ['end', seconds(pair.dataset.endMs + HOUR)],
    ];
    none = [
      ['start', seconds(pair.dataset.startMs - 400 * 24 * HOUR)],
      ['end', seconds(pair.dataset.startMs - 399 * 24 * HOUR)],
    ];
  }, 300_000);
  afterAll(() => pair?.stop());

  const both = (method: 'GET' | 'POST', path: string, params: Params): Promise<[PromAnswer, PromAnswer]> =>
    Promise.all([promRequest(pair.reference, method, path, params), promRequest(pair.target, method, path, params)]);

  /** The `data` of a success envelope, after checking the envelope. */
  function successData(answer: PromAnswer, who: PromApi): unknown {
    expect({ who: who.name, status: answer.status, envelope: (answer.body as { status?: unknown }).status }).toEqual({
      who: who.name,
      status: 200,
      envelope: 'success',
    });
    return (answer.body as { data: unknown }).data;
  }

  it('GET /api/v1/status/buildinfo: the fields Grafana reads, a 2.x version', async () => {
    const [reference, target] = await both('GET', '/status/buildinfo', []);
    for (const [answer, api] of [
      [reference, pair.reference],
      [target, pair.target],
    ] as const) {
      const data = successData(answer, api) as Record<string, unknown>;
      for (const field of ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']) expect(typeof data[field]).toBe('string');
      expect(data.version).toMatch(/^2\.\d+\.\d+/);
    }
  });

  it('GET|POST /api/v1/labels?start&end: the same names besides the ones MyMONIT adds, sorted', async () => {
    const cases: Array<['GET' | 'POST', Params]> = [
      ['GET', all],
      ['GET', [...all, ['match[]', 'queue_depth']]],
      ['GET', [...all, ['match[]', '{__name__=~"request_.*"}']]],
      ['GET', none],
      ['POST', [...all, ['match[]', 'node_temperature']]],
    ];
    for (const [method, params] of cases) {
      const [reference, target] = await both(method, '/labels', params);
      const names = (answer: PromAnswer, api: PromApi) => successData(answer, api) as string[];
      const refNames = names(reference, pair.reference);
      const gotNames = names(target, pair.target);
      expect(gotNames).toEqual([...gotNames].sort());
      expect({ method, params, names: gotNames.filter((n) => !ADDED_LABELS.has(n)) }).toEqual({ method, params, names: refNames.filter((n) => !ADDED_LABELS.has(n)) });
    }
  });

  it('GET /api/v1/label/{name}/values?start&end&match[]: the same values, sorted', async () => {
    const cases: Array<[string, Params]> = [
      ['__name__', all],
      ['room', all],
      ['queue', [...all, ['match[]', 'queue_depth{queue=~"st.*"}']]],
      ['handler', [...all, ['match[]', 'request_duration_seconds_bucket'], ['match[]', 'request_duration_seconds_sum']]],
      ['le', [...all, ['match[]', 'request_duration_seconds_bucket{handler="/a/b"}']]],
      ['note', all],
      ['room', none],
      ['nonexistent_label', all],
    ];
    for (const [name, params] of cases) {
      const [reference, target] = await both('GET', `/label/${encodeURIComponent(name)}/values`, params);
      const refValues = successData(reference, pair.reference);
      const gotValues = successData(target, pair.target);
      expect({ name, params, values: gotValues }).toEqual({ name, params, values: refValues });
    }
  });

  it('GET|POST /api/v1/series?match[]&start&end: the same label sets', async () => {
    const cases: Params[] = [
      [['match[]', 'queue_depth'], ...all],
      [['match[]', 'http_requests_total{code="500"}'], ['match[]', 'node_temperature{room=~"salle.*"}'], ...all],
      [['match[]', '{__name__=~".+"}'], ...all],
      [['match[]', '{__name__=~".+"}'], ...none],
    ];
    for (const [method, params] of [...cases.map((c) => ['GET', c] as const), ['POST', cases[1] as Params] as const]) {
      const [reference, target] = await both(method, '/series', params);
      const sets = (answer: PromAnswer, api: PromApi) =>
        (successData(answer, api) as Array<Record<string, string>>)
          .map((labels) => labelsKey(api.normalize(new Map(Object.entries(labels)))))
          .sort();
      expect({ method, params, series: sets(target, pair.target) }).toEqual({ method, params, series: sets(reference, pair.reference) });
    }
  });

  it('POST /api/v1/query_range and /api/v1/query as forms, as Grafana sends them', async () => {
    const start = pair.dataset.startMs;
    const requests: Array<['/query_range' | '/query', Params]> = [
      ['/query_range', [['query', 'sum by (service) (rate(http_requests_total[5m]))'], ['start', seconds(start)], ['end', seconds(start + 3 * HOUR)], ['step', '60']]],
      ['/query_range', [['query', 'histogram_quantile(0.95, sum by (le) (rate(request_duration_seconds_bucket[2m])))'], ['start', seconds(start + 600_000)], ['end', seconds(start + 2 * HOUR)], ['step', '30s']]],
      ['/query_range', [['query', 'node_temperature'], ['start', new Date(start).toISOString()], ['end', new Date(start + HOUR).toISOString()], ['step', '1m']]],
      ['/query_range', [['query', 'rate(http_requests_total[5m]'], ['start', seconds(start)], ['end', seconds(start + HOUR)], ['step', '60']]],
      ['/query_range', [['query', 'queue_depth'], ['start', seconds(start)], ['end', seconds(start + 3 * HOUR)], ['step', '0.5']]],
      ['/query', [['query', 'topk(3, node_temperature)'], ['time', seconds(start + HOUR)]]],
      ['/query', [['query', 'up'], ['time', new Date(start + HOUR).toISOString()]]],
      ['/query', [['query', 'queue_depth'], ['time', 'not-a-time']]],
    ];
    const mismatches: string[] = [];
    for (const [path, params] of requests) {
      const [reference, target] = await both('POST', path, params);
      const differences = comparePromAnswers(reference, target, { normalizeTarget: pair.target.normalize });
      if (differences.length > 0) mismatches.push(`POST ${path} ${JSON.stringify(params)}: ${differences.join('; ')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('answers JSON (application/json) on every endpoint', async () => {
    for (const api of [pair.reference, pair.target]) {
      for (const path of ['/status/buildinfo', '/labels', '/label/__name__/values', '/series?match[]=queue_depth', '/query?query=1']) {
        const response = await fetch(`${api.apiBase}${path}`, { headers: api.headers });
        await response.text();
        expect({ api: api.name, path, type: response.headers.get('content-type') }).toEqual({ api: api.name, path, type: expect.stringMatching(/^application\/json/) });
      }
    }
  });
});
