import type { Measure } from '../sdk';
import { LineProtocolError, NANOS_PER_UNIT, type Point, type Precision } from './line-protocol';
import { microsToRfc3339 } from './timestamps';

/** What openapi.yaml allows in a metric or source name (`Name`), and in a tag key (at most 64). */
const NAME = /^[A-Za-z0-9_.:/-]{1,128}$/;
const TAG_KEY = /^[A-Za-z0-9_.:/-]{1,64}$/;

export interface PointMapping {
  /** Experiment when the point has no `experiment` tag (e.g. the request's `db`/`bucket`). */
  experiment?: string;
  precision: Precision;
  /** Tags whose value becomes the measure's source (first present wins; removed from the tags). */
  sourceTags: readonly string[];
  /** Between measurement and field in the metric name; a field named `value` gives the measurement alone. */
  separator: string;
  now: () => number;
}

export const DEFAULT_POINT_MAPPING: PointMapping = {
  precision: 'ns',
  sourceTags: ['source', 'host'],
  separator: '_',
  now: Date.now,
};

/**
 * Names are taken as sent or refused, never rewritten: a rewrite (`température` and `tempèrature` both
 * to `temp_rature`) would merge two series and count the second one's measures as duplicates.
 */
function checkedName(kind: string, name: string, pattern: RegExp, max: number): string {
  if (!pattern.test(name)) {
    throw new LineProtocolError(
      `${kind} ${JSON.stringify(name)} is not a name MyMONIT stores (1-${max} of A-Z a-z 0-9 _ . : / -); ` +
        'rename it at the source: names are not rewritten, so that two names never become one series',
    );
  }
  return name;
}

/** A line-protocol timestamp as the contract takes it: epoch ms when exact, else RFC 3339 with microseconds. */
export function pointTimestamp(timestamp: bigint | undefined, precision: Precision, now: () => number): string | number {
  if (timestamp === undefined) {
    // InfluxDB gives a point without timestamp the server's time, truncated to the precision.
    const unitMs = Number(NANOS_PER_UNIT[precision] / 1_000_000n);
    const ms = now();
    return unitMs > 1 ? Math.floor(ms / unitMs) * unitMs : ms;
  }
  const nanos = timestamp * NANOS_PER_UNIT[precision];
  // Floor division, so that times before 1970 keep their sub-microsecond part out the right way.
  const micros = nanos >= 0n ? nanos / 1000n : -((-nanos + 999n) / 1000n);
  if (micros >= 0n && micros % 1000n === 0n) return Number(micros / 1000n);
  return microsToRfc3339(micros);
}

/** A number field as a double, refused when the double would not be the integer sent. */
function exactNumber(field: string, value: bigint): number {
  const number = Number(value);
  if (BigInt(number) !== value) {
    throw new LineProtocolError(`field "${field}": integer ${value} cannot be stored exactly (a measure value is a double, exact up to 2^53)`);
  }
  return number;
}

/**
 * A point's numeric and boolean fields as measures (booleans as 1/0). String fields are not measures and
 * are left out: a point with only string fields gives no measure (the caller counts it). The `experiment`
 * and `unit` tags set those fields of the measure; the first tag of sourceTags sets the source; the rest
 * stay tags. Throws LineProtocolError when there is no experiment or a name MyMONIT cannot store as sent.
 */
export function pointToMeasures(point: Point, mapping: PointMapping): Measure[] {
  let experiment = mapping.experiment;
  let unit: string | undefined;
  let source: string | undefined;
  let sourceKey: string | undefined;
  for (const key of mapping.sourceTags) {
    const value = point.tags.get(key);
    if (value !== undefined && key !== 'experiment' && key !== 'unit') {
      source = checkedName(`source (tag "${key}")`, value, NAME, 128);
      sourceKey = key;
      break;
    }
  }
  let tags: Record<string, string> | undefined;
  for (const [key, value] of point.tags) {
    if (key === 'experiment') experiment = value;
    else if (key === 'unit') unit = value;
    else if (key !== sourceKey) (tags ??= Object.create(null) as Record<string, string>)[checkedName('tag key', key, TAG_KEY, 64)] = value;
  }
  if (!experiment) throw new LineProtocolError('no experiment: add an experiment tag, or name one in the request (db, bucket or experiment parameter)');
  const numeric = [...point.fields].filter(([, field]) => field.type !== 'string');
  if (numeric.length === 0) return [];
  const timestamp = pointTimestamp(point.timestamp, mapping.precision, mapping.now);
  const measures: Measure[] = [];
  for (const [field, typed] of numeric) {
    const value =
      typed.type === 'boolean' ? (typed.value ? 1 : 0) : typed.type === 'float' ? typed.value : typed.type === 'string' ? NaN : exactNumber(field, typed.value);
    const metric = checkedName('metric', field === 'value' ? point.measurement : `${point.measurement}${mapping.separator}${field}`, NAME, 128);
    const measure: Measure = { experiment, metric, value, timestamp };
    if (source !== undefined) measure.source = source;
    if (unit !== undefined) measure.unit = unit;
    if (tags !== undefined) measure.tags = tags;
    measures.push(measure);
  }
  return measures;
}
