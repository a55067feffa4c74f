import type { Measure } from '../sdk';
import type { Sample } from '../common/exposition';

export interface SampleMapping {
  experiment: string;
  /** Source when a sample has no `instance` label (the target's configured source, or its host:port). */
  defaultSource: string;
  /** Timestamp of samples that carry none: the scrape's time. */
  scrapedAt: number;
  /** Extra tags for every sample of the target; a sample's own label wins. */
  labels?: Record<string, string>;
  include?: readonly RegExp[];
  exclude?: readonly RegExp[];
}

export interface MappedSamples {
  measures: Measure[];
  /** Exposition line of each measure (for bad-input reports). */
  lines: number[];
  /** Samples left out because their value is NaN or infinite (the contract has no such numbers). */
  skipped: number;
  /** Samples left out by include/exclude. */
  filtered: number;
}

/**
 * Samples as measures: the sample name is the metric, the labels are tags, except `instance`, which is
 * the source (as Prometheus uses it: the scraped endpoint). NaN and ±Inf are skipped and counted.
 */
export function samplesToMeasures(samples: ReadonlyArray<{ line: number; sample: Sample }>, mapping: SampleMapping): MappedSamples {
  const result: MappedSamples = { measures: [], lines: [], skipped: 0, filtered: 0 };
  for (const { line, sample } of samples) {
    if (mapping.include?.length && !mapping.include.some((re) => re.test(sample.name))) {
      result.filtered += 1;
      continue;
    }
    if (mapping.exclude?.some((re) => re.test(sample.name))) {
      result.filtered += 1;
      continue;
    }
    if (!Number.isFinite(sample.value)) {
      result.skipped += 1;
      continue;
    }
    const tags = Object.create(null) as Record<string, string>;
    for (const [key, value] of Object.entries(sample.labels)) if (key !== 'instance') tags[key] = value;
    for (const [key, value] of Object.entries(mapping.labels ?? {})) if (!Object.hasOwn(tags, key)) tags[key] = value;
    const instance = Object.hasOwn(sample.labels, 'instance') ? sample.labels.instance : undefined;
    const measure: Measure = {
      experiment: mapping.experiment,
      metric: sample.name,
      source: instance || mapping.defaultSource,
      value: sample.value,
      timestamp: sample.timestampMs ?? mapping.scrapedAt,
    };
    if (Object.keys(tags).length > 0) measure.tags = tags;
    result.measures.push(measure);
    result.lines.push(line);
  }
  return result;
}
