import type { AlertSample } from '../alerting/state/alert-series';
import type { RuleGroup } from '../alerting/rules/rule';
import type { MeasureRow } from '../storage/stores';

const NAME = /^[A-Za-z0-9_.:/-]{1,128}$/;
const TAG_NAME = /^[A-Za-z0-9_.:/-]{1,64}$/;

/**
 * Samples a group's evaluation writes (recording rules, ALERTS, ALERTS_FOR_STATE) as measures of the
 * group's experiment at the evaluation time, mapped back the way PromQL maps measures to series:
 * __name__ is the metric, `source` and `unit` their columns, every other label a tag (`experiment` is the
 * group's own). Samples a measure cannot hold (NaN or infinite values, names outside the measure
 * contract) are left out: the state and the history keep them.
 */
export function measureRowsOf(group: RuleGroup, samples: readonly AlertSample[], atMs: number): MeasureRow[] {
  const rows: MeasureRow[] = [];
  const timestampUs = BigInt(atMs) * 1000n;
  for (const sample of samples) {
    if (!Number.isFinite(sample.value)) continue;
    const metric = sample.labels.get('__name__') ?? '';
    const source = sample.labels.get('source');
    const unit = sample.labels.get('unit');
    if (!NAME.test(metric) || (source !== undefined && !NAME.test(source)) || (unit !== undefined && unit.length > 32)) continue;
    const tags: Record<string, string> = Object.create(null) as Record<string, string>;
    let storable = true;
    for (const [name, value] of sample.labels) {
      if (name === '__name__' || name === 'source' || name === 'unit' || name === 'experiment') continue;
      if (!TAG_NAME.test(name) || value.length > 128) storable = false;
      tags[name] = value;
    }
    if (!storable) continue;
    rows.push({ experiment: group.experiment, experimentId: group.experimentId, metric, source: source ?? null, unit: unit ?? null, value: sample.value, timestampUs, tags });
  }
  return rows;
}
