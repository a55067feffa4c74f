import YAML from 'yaml';
import { call, startPlatform, type TestPlatform } from './platform';
import { dropLabel, type Labels } from './promql-compare';
import { PROMDIFF_EXPERIMENT } from './promql-dataset';
import type { DiffTarget, PromApi } from './promql-differential';
import { startPrometheus, type PrometheusServer } from './prometheus-server';
import { remoteWrite, type RemoteWriteSeries } from './remote-write';

/**
 * One side of the rule differential: something that evaluates a Prometheus rule file over samples pushed
 * to it live, and answers the Prometheus API (`/alerts`, `/rules`, `ALERTS` through `/query`).
 */
export interface RuleSide {
  api: PromApi;
  /** Delivers samples (with their timestamps) to the side's storage. */
  push(series: readonly RemoteWriteSeries[]): Promise<void>;
  stop(): Promise<void>;
}

const identity = (labels: Labels) => labels;

/** Real Prometheus with the rule file, the given evaluation interval and the remote-write receiver. */
export async function prometheusRuleSide(rules: string, evaluationInterval: string, name = 'prometheus'): Promise<RuleSide> {
  const server: PrometheusServer = await startPrometheus({
    ruleFiles: [rules],
    evaluationInterval,
    flags: ['--web.enable-remote-write-receiver'],
  });
  return {
    api: { name, apiBase: `${server.baseUrl}/api/v1`, headers: {}, normalize: identity },
    push: (series) => remoteWrite(`${server.baseUrl}/api/v1/write`, series),
    stop: () => server.stop(),
  };
}

/**
 * MyMONIT with the rule file: samples go in as measures over AMQP (labels as tags, as in
 * promql-dataset.ts), the rules through the rules REST API, evaluated by the platform's rule evaluator.
 */
export async function mymonitRuleSide(rules: string): Promise<RuleSide> {
  const platform: TestPlatform = await startPlatform({ consume: true, components: ['rule-evaluator'] });
  try {
    const token = await platform.tokenFor(platform.admin);
    const created = await call(platform.baseUrl, 'POST', '/experiments', { token, body: { code: PROMDIFF_EXPERIMENT, name: 'rule differential' } });
    if (created.status !== 201) throw new Error(`creating the experiment answered ${created.status}: ${JSON.stringify(created.body)}`);
    await loadRules(platform, token, rules);
    return {
      api: {
        name: 'mymonit',
        apiBase: `${platform.baseUrl}/prometheus/api/v1`,
        headers: { authorization: `Bearer ${token}` },
        normalize: dropLabel('experiment', PROMDIFF_EXPERIMENT),
      },
      push: async (series) => {
        const measures = series.flatMap((s) => {
          const metric = s.labels.find(([k]) => k === '__name__')?.[1] ?? '';
          const tags = Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(s.labels.filter(([k]) => k !== '__name__')));
          return s.samples.map(({ value, timestampMs }) => ({ experiment: PROMDIFF_EXPERIMENT, metric, value, timestamp: timestampMs, tags }));
        });
        await platform.publish(measures);
      },
      stop: () => platform.stop(),
    };
  } catch (error) {
    await platform.stop();
    throw error;
  }
}

/** Each group of the rule file, as JSON, through the rules REST API (ADMIN). */
async function loadRules(platform: TestPlatform, token: string, rules: string): Promise<void> {
  const file = YAML.parse(rules) as { groups: unknown[] };
  for (const group of file.groups) {
    const created = await call(platform.baseUrl, 'POST', `/experiments/${PROMDIFF_EXPERIMENT}/rule-groups`, { token, body: group });
    if (created.status !== 201) throw new Error(`creating a rule group answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
}

export async function startRuleSide(target: DiffTarget, rules: string, evaluationInterval: string): Promise<RuleSide> {
  if (target === 'mymonit') return mymonitRuleSide(rules);
  if (target === 'prometheus-mutant') {
    // The same rules with `for` one interval longer: firing must come one interval later, which the test notices.
    return prometheusRuleSide(rules.replace(/for: 3s/g, 'for: 6s'), evaluationInterval, 'prometheus (for +3s)');
  }
  return prometheusRuleSide(rules, evaluationInterval, 'prometheus (second instance)');
}
