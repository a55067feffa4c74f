import { uncompress } from 'snappyjs';
import type { Measure } from '../sdk';
import { WriteRequestType } from './remote-write-proto';

/** The path Prometheus's documentation and most receivers use for remote write. */
export const REMOTE_WRITE_PATH = '/api/v1/write';

/** Prometheus's own receiver refuses bodies that decompress to more (storage/remote decodeReadLimit). */
export const MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;

/** Prometheus's staleness marker: a NaN with this exact bit pattern (pkg/value.StaleNaN). */
const STALE_NAN_BITS = 0x7ff0000000000002n;

export interface RemoteSeries {
  /** Labels in the order sent; keys are user-chosen, hence a Map. */
  readonly labels: ReadonlyMap<string, string>;
  readonly samples: ReadonlyArray<{ readonly value: number; readonly timestampMs: number }>;
  readonly histograms: number;
}

export class RemoteWriteError extends Error {
  override readonly name = 'RemoteWriteError';
}

interface DecodedWriteRequest {
  timeseries?: Array<{
    labels?: Array<{ name?: string; value?: string }>;
    samples?: Array<{ value?: number; timestamp?: number }>;
    histograms?: unknown[];
  }>;
}

/** A snappy block-compressed `prometheus.WriteRequest`, decoded; RemoteWriteError when it is not one. */
export function decodeWriteRequest(body: Uint8Array, maxBytes = MAX_DECOMPRESSED_BYTES): RemoteSeries[] {
  let raw: Uint8Array;
  try {
    raw = uncompress(body, maxBytes);
  } catch (error) {
    throw new RemoteWriteError(`the body is not snappy block-compressed data: ${(error as Error).message}`);
  }
  let decoded: DecodedWriteRequest;
  try {
    decoded = WriteRequestType.toObject(WriteRequestType.decode(raw), { longs: Number, arrays: true }) as DecodedWriteRequest;
  } catch (error) {
    throw new RemoteWriteError(`the body is not a protobuf prometheus.WriteRequest: ${(error as Error).message}`);
  }
  return (decoded.timeseries ?? []).map((series) => ({
    labels: new Map((series.labels ?? []).map((label) => [label.name ?? '', label.value ?? ''])),
    samples: (series.samples ?? []).map((sample) => ({ value: sample.value ?? 0, timestampMs: sample.timestamp ?? 0 })),
    histograms: series.histograms?.length ?? 0,
  }));
}

export function isStaleMarker(value: number): boolean {
  if (!Number.isNaN(value)) return false;
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, value);
  return bits.getBigUint64(0) === STALE_NAN_BITS;
}

export interface RemoteWriteMapping {
  /** Experiment of series without an `experiment` label (the request's `?experiment=`, or the config's). */
  readonly experiment?: string;
}

export interface MappedRemoteWrite {
  readonly measures: Measure[];
  /** Series index of each measure, for the refusals the validator reports. */
  readonly origin: Array<{ index: number }>;
  /** Series refused whole (no name, no experiment), by index. */
  readonly errors: Array<{ index: number; error: string }>;
  /** Staleness markers: Prometheus's "this series ended", not a value; dropped. */
  readonly staleMarkers: number;
  /** Other NaN and ±Inf samples: the measure contract holds finite numbers only; dropped. */
  readonly nonFinite: number;
  /** Native histogram samples: not taken. */
  readonly histograms: number;
}

/**
 * Each sample of a series is one measure: `__name__` is the metric, the `experiment` label the experiment
 * (else the mapping's), `instance` the source (else a `source` label), `unit` the unit, every other label a
 * tag; the timestamp stays epoch milliseconds. Names are not rewritten: the validator refuses what the
 * contract does not allow, and says which.
 */
export function remoteWriteToMeasures(series: readonly RemoteSeries[], mapping: RemoteWriteMapping): MappedRemoteWrite {
  const result = { measures: [] as Measure[], origin: [] as Array<{ index: number }>, errors: [] as Array<{ index: number; error: string }>, staleMarkers: 0, nonFinite: 0, histograms: 0 };
  series.forEach((one, index) => {
    result.histograms += one.histograms;
    if (one.samples.length === 0) return;
    const metric = one.labels.get('__name__');
    const experiment = one.labels.get('experiment') || mapping.experiment;
    if (!metric) {
      result.errors.push({ index, error: `series ${describe(one.labels)} has no __name__ label` });
      return;
    }
    if (!experiment) {
      result.errors.push({ index, error: `series ${describe(one.labels)}: no experiment (add an experiment label, or ?experiment= to the remote_write url)` });
      return;
    }
    const sourceKey = one.labels.get('instance') ? 'instance' : one.labels.get('source') ? 'source' : undefined;
    const unit = one.labels.get('unit');
    let tags: Record<string, string> | undefined;
    for (const [key, value] of one.labels) {
      if (key === '__name__' || key === 'experiment' || key === 'unit' || key === sourceKey || value === '') continue;
      (tags ??= Object.create(null) as Record<string, string>)[key] = value;
    }
    for (const sample of one.samples) {
      if (!Number.isFinite(sample.value)) {
        if (isStaleMarker(sample.value)) result.staleMarkers += 1;
        else result.nonFinite += 1;
        continue;
      }
      const measure: Measure = { experiment, metric, value: sample.value, timestamp: sample.timestampMs };
      if (sourceKey !== undefined) measure.source = one.labels.get(sourceKey);
      if (unit) measure.unit = unit;
      if (tags !== undefined) measure.tags = tags;
      result.measures.push(measure);
      result.origin.push({ index });
    }
  });
  return result;
}

function describe(labels: ReadonlyMap<string, string>): string {
  const inner = [...labels].filter(([key]) => key !== '__name__').map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(',');
  return `${labels.get('__name__') ?? ''}{${inner}}`;
}
