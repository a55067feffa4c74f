/**
 * The expressions of the PromQL differential test, over the data set of promql-dataset.ts. Together they
 * use every function, operator and modifier issue 12 lists (checked by
 * test/unit/support/promql-harness.test.ts). None names the `experiment` label (MyMONIT adds it).
 */

export interface DiffExpression {
  expr: string;
  /** The series order is part of the answer (sort, sort_desc): compare it. */
  ordered?: boolean;
  /** Prometheus answers this with no series at every instant (anchoring, absent of a present series). */
  alwaysEmpty?: boolean;
  /** Prometheus answers this with an error (errorType), at every instant. */
  error?: 'bad_data' | 'execution';
}

/** 2026-01-01T01:00:00Z, inside the data set, for `@`. */
const AT = 1767229200;

export const DIFF_EXPRESSIONS: readonly DiffExpression[] = [
  // Instant selectors and matchers.
  { expr: 'queue_depth' },
  { expr: 'http_requests_total{method="GET"}' },
  { expr: 'http_requests_total{code!="200"}' },
  { expr: 'http_requests_total{service!=""}' },
  { expr: 'node_temperature{room=~"lab|office"}' },
  { expr: 'node_temperature{room!~"lab|office"}' },
  { expr: 'node_temperature{room=~"la"}', alwaysEmpty: true }, // anchored: "la" does not match "lab"
  { expr: 'node_temperature{room=~".*ab"}' },
  { expr: 'node_temperature{room!~"l.*"}' },
  { expr: 'node_temperature{room=~"salle-.*"}' },
  { expr: 'node_temperature{room="salle-été ✓"}' },
  { expr: 'http_requests_total{host=~"A"}', alwaysEmpty: true },
  { expr: 'http_requests_total{host=~"(?i)A", code="500"}' },
  { expr: 'queue_depth{room=~"lab|"}' }, // a regex matching "" selects series without the label
  { expr: 'queue_depth{queue=~"st.*", queue!="steady"}' },
  { expr: 'request_duration_seconds_bucket{handler="/a/b", le="+Inf"}' },
  { expr: '{__name__=~"queue_.*|node_.*"}' },
  { expr: '{__name__=~"job:.*"}' },
  { expr: 'job:requests:rate5m' },
  { expr: String.raw`{__name__="disk_free_bytes", note="say \"hi\" \\ ok"}` },
  { expr: 'queue_depth{queue="stopped"}' },
  { expr: 'queue_depth{queue="gappy"}' },
  { expr: 'queue_depth[5m]' },
  { expr: 'node_temperature{room="cellar"}[2m]' },

  // Counters and gauges over ranges.
  { expr: 'rate(http_requests_total[5m])' },
  { expr: 'rate(http_requests_total[1m])' },
  { expr: 'irate(http_requests_total[5m])' },
  { expr: 'increase(http_requests_total[10m])' },
  { expr: 'increase(request_duration_seconds_count[15m])' },
  { expr: 'delta(node_temperature[10m])' },
  { expr: 'idelta(node_temperature[5m])' },
  { expr: 'deriv(node_temperature[10m])' },
  { expr: 'predict_linear(node_temperature[15m], 3600)' },
  { expr: 'predict_linear(disk_free_bytes[30m], 86400)' },
  { expr: 'resets(http_requests_total[30m])' },
  { expr: 'resets(request_duration_seconds_bucket[1h])' },
  { expr: 'changes(queue_depth[10m])' },

  // *_over_time.
  { expr: 'avg_over_time(node_temperature[10m])' },
  { expr: 'min_over_time(node_temperature[10m])' },
  { expr: 'max_over_time(node_temperature[10m])' },
  { expr: 'sum_over_time(queue_depth[10m])' },
  { expr: 'count_over_time(queue_depth[30m])' },
  { expr: 'last_over_time(queue_depth[10m])' },
  { expr: 'stddev_over_time(node_temperature[10m])' },
  { expr: 'stdvar_over_time(node_temperature[10m])' },
  { expr: 'quantile_over_time(0.9, node_temperature[15m])' },
  { expr: 'quantile_over_time(0, queue_depth[15m])' },
  { expr: 'present_over_time(queue_depth[2m])' },
  { expr: 'absent_over_time(queue_depth{queue="stopped"}[5m])' },
  { expr: 'absent_over_time(nonexistent_metric{a="b", c=~"d"}[5m])' },

  // absent, math, time.
  { expr: 'absent(queue_depth{queue="stopped"})' },
  { expr: 'absent(nonexistent_metric{service="api", host=~"a"})' },
  { expr: 'absent(queue_depth)' }, // a series only before the data set starts
  { expr: 'abs(node_temperature)' },
  { expr: 'ceil(node_temperature)' },
  { expr: 'floor(node_temperature)' },
  { expr: 'round(node_temperature)' },
  { expr: 'round(node_temperature, 0.25)' },
  { expr: 'round(node_temperature{room="cellar"} * 2) / 2' },
  { expr: 'clamp(node_temperature, 0, 20)' },
  { expr: 'clamp(node_temperature, 20, 0)', alwaysEmpty: true },
  { expr: 'clamp_min(node_temperature, 19.5)' },
  { expr: 'clamp_max(node_temperature, 19.5)' },
  { expr: 'time()' },
  { expr: 'timestamp(queue_depth)' },
  { expr: 'timestamp(node_temperature offset 1m)' },
  { expr: 'vector(1)' },
  { expr: 'vector(time())' },
  { expr: 'scalar(queue_depth{queue="steady"})' },
  { expr: 'scalar(queue_depth)' },
  { expr: 'node_temperature * scalar(queue_depth{queue="steady"})' },

  // Labels and sorting.
  { expr: 'label_replace(node_temperature, "r", "$1", "room", "(.*)e.*")' },
  { expr: 'label_replace(http_requests_total, "hostname", "host-$1", "host", "(.*)")' },
  { expr: 'label_replace(queue_depth, "queue", "", "queue", "st.*")' }, // duplicates while stopped is live
  { expr: 'label_join(http_requests_total, "id", "/", "service", "host", "method")' },
  { expr: 'sort(node_temperature)', ordered: true },
  { expr: 'sort_desc(rate(http_requests_total[5m]))', ordered: true },
  { expr: 'sort_desc(disk_free_bytes)', ordered: true },

  // Histograms.
  { expr: 'histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[5m])))' },
  { expr: 'histogram_quantile(0.5, rate(request_duration_seconds_bucket[10m]))' },
  { expr: 'histogram_quantile(0.99, sum by (le, handler) (rate(request_duration_seconds_bucket[5m])))' },
  { expr: 'histogram_quantile(1, sum by (le) (increase(request_duration_seconds_bucket[30m])))' },
  { expr: 'rate(request_duration_seconds_sum[5m]) / rate(request_duration_seconds_count[5m])' },

  // Aggregations.
  { expr: 'sum(rate(http_requests_total[5m]))' },
  { expr: 'sum by (service) (rate(http_requests_total[5m]))' },
  { expr: 'sum without (host, code) (rate(http_requests_total[5m]))' },
  { expr: 'avg by (method) (http_requests_total)' },
  { expr: 'min by (service) (http_requests_total)' },
  { expr: 'max without (room) (node_temperature)' },
  { expr: 'count by (code) (http_requests_total)' },
  { expr: 'count(queue_depth)' },
  { expr: 'stddev(node_temperature)' },
  { expr: 'stdvar without (host) (rate(http_requests_total[5m]))' },
  { expr: 'topk(2, node_temperature)' },
  { expr: 'topk by (service) (1, rate(http_requests_total[5m]))' },
  { expr: 'bottomk(1, node_temperature)' },
  { expr: 'bottomk without (code) (1, rate(http_requests_total[10m]))' },
  { expr: 'quantile(0.5, node_temperature)' },
  { expr: 'quantile by (service) (0.9, rate(http_requests_total[5m]))' },
  { expr: 'count_values("value", queue_depth)' },
  { expr: 'count_values without (queue) ("v", queue_depth)' },
  { expr: 'group by (service) (http_requests_total)' },
  { expr: 'group(node_temperature)' },

  // Arithmetic, comparison and set operators, vector matching.
  { expr: 'node_temperature + 1' },
  { expr: '2 * node_temperature - 3' },
  { expr: 'node_temperature / 0' },
  { expr: '-node_temperature' },
  { expr: 'node_temperature % 7' },
  { expr: 'node_temperature ^ 2' },
  { expr: 'queue_depth > 20' },
  { expr: 'queue_depth > bool 20' },
  { expr: '20 < bool queue_depth' },
  { expr: 'queue_depth == 7' },
  { expr: 'queue_depth != bool 7' },
  { expr: 'request_duration_seconds_sum / request_duration_seconds_count' },
  { expr: 'http_requests_total{code="500"} / ignoring (code) http_requests_total{code="200"}' },
  { expr: 'http_requests_total{method="POST"} - on (service, host) http_requests_total{code="500"}' },
  {
    expr:
      'sum by (service, host, method, code) (rate(http_requests_total[5m])) / on (service, host) group_left ' +
      'sum by (service, host) (rate(http_requests_total[5m]))',
  },
  { expr: 'job:requests:rate5m * on (service) group_right http_requests_total' },
  { expr: 'http_requests_total * on (service) group_left (ver) label_replace(job:requests:rate5m, "ver", "v-$1", "service", "(.*)")' },
  { expr: 'node_temperature > on (room) node_temperature offset 5m' },
  { expr: 'node_temperature < bool node_temperature offset 5m' },
  { expr: 'queue_depth and queue_depth > 20' },
  { expr: 'queue_depth or node_temperature' },
  { expr: 'queue_depth unless queue_depth{queue="steady"}' },
  { expr: 'http_requests_total and on (host) http_requests_total{host="a", method="POST"}' },
  // On no labels: every queue_depth matches vector(1)'s empty label set. (`ignoring (queue)` would not do:
  // MyMONIT's series also carry `experiment`, which no expression here may name.)
  { expr: 'queue_depth unless on () vector(1)', alwaysEmpty: true },
  { expr: 'sum(queue_depth{queue="late"}) or vector(0)' },

  // Scalars only.
  { expr: '1 + 2 * 3' },
  { expr: '2 ^ 3 ^ 2' },
  { expr: '-2 ^ 2' },
  { expr: '5 % 3' },
  { expr: '1 / 0' },
  { expr: '0 / 0' },
  { expr: 'time() - 3600' },
  { expr: '1 > bool 2' },
  { expr: 'scalar(sum(queue_depth)) / 2' },

  // offset and @.
  { expr: 'queue_depth offset 5m' },
  { expr: 'queue_depth offset -5m' },
  { expr: 'rate(http_requests_total[5m] offset 1h)' },
  { expr: 'sum(node_temperature offset 30m)' },
  { expr: `queue_depth @ ${AT}` },
  { expr: 'rate(http_requests_total[5m] @ end())' },
  { expr: 'node_temperature @ start()' },
  { expr: `queue_depth @ ${AT} offset 5m` },
  { expr: 'max_over_time(node_temperature[10m] @ start())' },

  // Subqueries.
  { expr: 'max_over_time(rate(http_requests_total[5m])[30m:1m])' },
  { expr: 'avg_over_time(node_temperature[10m:])' },
  { expr: 'min_over_time((queue_depth > 10)[15m:45s])' },
  { expr: 'rate(http_requests_total[5m:15s])' },
  { expr: 'max_over_time(deriv(rate(http_requests_total[1m])[5m:30s])[20m:1m])' },
  { expr: 'avg_over_time(node_temperature[10m:1m] offset 10m)' },
  { expr: `max_over_time(node_temperature[10m:1m] @ ${AT})` },

  // Errors: a parse error, and an execution error (two series with one label set).
  { expr: 'rate(http_requests_total[5m]', error: 'bad_data' },
  { expr: 'count_over_time({__name__=~"request_duration_seconds_(sum|count)"}[5m])', error: 'execution' },
];
