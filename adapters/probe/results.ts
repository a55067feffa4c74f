import type { Measure } from '../sdk';
import type { ProbeResult } from './checks';

export interface ResultMapping {
  experiment: string;
  /** `probe` gives probe_success, probe_duration_ms, probe_http_status. */
  metricPrefix: string;
  tags?: Record<string, string>;
}

/**
 * A probe result as measures, all with the check's name as source and its type and target as tags:
 * <prefix>_success (1 or 0), <prefix>_duration_ms (unit ms; also when it failed: the time to fail) and,
 * when an HTTP response arrived, <prefix>_http_status.
 */
export function resultToMeasures(result: ProbeResult, mapping: ResultMapping): Measure[] {
  const tags = { ...mapping.tags, type: result.type, target: result.target.slice(0, 128) };
  const base = { experiment: mapping.experiment, source: result.check, timestamp: result.startedAt, tags };
  const measures: Measure[] = [
    { ...base, metric: `${mapping.metricPrefix}_success`, value: result.success ? 1 : 0 },
    { ...base, metric: `${mapping.metricPrefix}_duration_ms`, value: result.durationMs, unit: 'ms' },
  ];
  if (result.status !== undefined) measures.push({ ...base, metric: `${mapping.metricPrefix}_http_status`, value: result.status });
  return measures;
}
