import { z } from 'zod';
import { emptyRecord, keyedRecord } from '../common/keyed-record';
import { commonShape, loadAdapterConfig, type ConfigSources, type EnvBinding } from '../common/config';

const regexList = z
  .array(
    z.string().refine((source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    }, 'a valid regular expression'),
  )
  .default([]);

const targetSchema = z.strictObject({
  url: z.url(),
  /** Experiment of this target's measures; default: the top-level experiment. */
  experiment: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
  /** Source when a sample has no instance label; default: the URL's host:port. */
  source: z.string().regex(/^[A-Za-z0-9_.:/-]{1,128}$/).optional(),
  /** Extra tags on every measure of this target. */
  labels: keyedRecord(z.string()).default(emptyRecord),
  /** Metric-name regular expressions: only matching samples (default all), minus excluded ones. */
  include: regexList,
  exclude: regexList,
  /** Bearer token sent to the exporter, when it wants one. */
  bearerToken: z.string().optional(),
});

export const prometheusConfigSchema = z
  .strictObject({
    ...commonShape,
    prometheus: z
      .strictObject({
      intervalMs: z.coerce.number().int().min(100).default(15_000),
      timeoutMs: z.coerce.number().int().min(100).default(10_000),
      /** Also publish Prometheus' synthetic `up`, `scrape_duration_seconds` and `scrape_samples_scraped`. */
      syntheticMetrics: z.boolean().default(true),
      targets: z.array(targetSchema, { error: 'required: a list of targets ({url: ...})' }).min(1),
    }),
  })
  .refine((c) => c.prometheus.targets.every((t) => t.experiment ?? c.experiment), {
    message: 'every target needs an experiment (targets[].experiment or the top-level experiment)',
  });

export type PrometheusAdapterConfig = z.infer<typeof prometheusConfigSchema>;
export type PrometheusTarget = z.infer<typeof targetSchema>;

export const PROMETHEUS_ENV: readonly EnvBinding[] = [['PROMETHEUS_ADAPTER_INTERVAL_MS', 'prometheus.intervalMs']];

export function loadPrometheusAdapterConfig(sources: ConfigSources): PrometheusAdapterConfig {
  return loadAdapterConfig(prometheusConfigSchema, { ...sources, envBindings: PROMETHEUS_ENV, section: 'prometheus' });
}
