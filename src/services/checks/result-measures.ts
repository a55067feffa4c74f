/**
 * A check result as measures of its check's experiment (docs/checks.md, "Results and classification"):
 * metric = the check's name, source = the host's name, timestamp = when the run started; the run's value
 * with the tag field=value, each further figure with field=<its name>; every measure also tagged
 * check_kind=<kind> and, for plugin checks, plugin=<name>. Each is validated with the Measure schema of
 * openapi.yaml, as the consumer validates what adapters publish, and refused alone when it does not fit.
 */
import type { ValidateFunction } from 'ajv/dist/2020';
import { ContractSchemas, formatError } from '../../../lib/contract/measure-schema';
import { openApiDocument } from '../../../lib/contract/openapi-document';
import type { PublishedMeasure } from '../../../lib/contract/published-measure';
import { epochMsToUs } from '../../../lib/contract/timestamp';
import type { CheckJob, CheckRunResult } from '../../checks/ports';
import type { MeasureRow } from '../../storage/stores';

export const PRIMARY_FIELD = 'value';

let validator: ValidateFunction<PublishedMeasure> | undefined;

/** Compiled on first use, from the same document the consumer and REST validate with. */
function validateMeasure(): ValidateFunction<PublishedMeasure> {
  validator ??= new ContractSchemas(openApiDocument().components).compile<PublishedMeasure>('Measure');
  return validator;
}

export interface ResultMeasures {
  readonly rows: MeasureRow[];
  /** One line per figure not stored, naming it and why (kept with the result's reason). */
  readonly refused: string[];
}

/** `timestampMs`: the instant of every measure (the run's start, whole milliseconds in years 0000-9999). */
export function resultMeasures(job: CheckJob, result: CheckRunResult, timestampMs: number): ResultMeasures {
  const figures: [string, number][] = [];
  const refused: string[] = [];
  if (result.value !== undefined) figures.push([PRIMARY_FIELD, result.value]);
  for (const [name, value] of result.fields ?? []) {
    if (name === PRIMARY_FIELD) refused.push(`field=${PRIMARY_FIELD}: the name is the run's own value`);
    else figures.push([name, value]);
  }
  const rows: MeasureRow[] = [];
  const validate = validateMeasure();
  for (const [field, value] of figures) {
    if (!Number.isFinite(value)) {
      refused.push(`field=${field}: ${String(value)} is not a finite number`);
      continue;
    }
    const tags: Record<string, string> = { check_kind: job.kind, field };
    if (job.kind === 'plugin' && job.plugin !== undefined) tags.plugin = job.plugin;
    const published = { experiment: job.experiment, metric: job.checkName, source: job.host.name, value, timestamp: timestampMs, tags };
    if (!validate(published)) {
      refused.push(`field=${field}: ${(validate.errors ?? []).slice(0, 3).map(formatError).join('; ')}`);
      continue;
    }
    rows.push({
      experiment: job.experiment,
      experimentId: job.experimentId,
      metric: job.checkName,
      source: job.host.name,
      unit: null,
      tags,
      timestampUs: epochMsToUs(timestampMs),
      value,
    });
  }
  return { rows, refused };
}
