/**
 * Prometheus's JSON envelope, written as text so that values and timestamps read exactly as Prometheus
 * writes them (`[1700000000.100,"1e-07"]`), which JSON.stringify of numbers could not.
 */
import type { PromqlErrorType } from '../../alerting/promql/engine-api';
import type { Labels, Point, Value } from '../../alerting/promql/values';
import { formatFloatF, formatPointTime, formatSampleValue, formatScalarTime } from './go-float';

/** HTTP status of each error type. Prometheus 2.42 answers 500 for `unavailable`; 503 says "retry" better. */
export const ERROR_STATUS: Readonly<Record<PromqlErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  canceled: 503,
  timeout: 503,
  unavailable: 503,
  internal: 500,
  not_found: 404,
};

/** A JSON string as Go's encoder writes it: <, >, & and the two line separators escaped. */
export function jsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A label set as Prometheus writes it: an object, names in order. */
export function labelsJson(labels: Labels): string {
  const names = [...labels.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${names.map((name) => `${jsonString(name)}:${jsonString(labels.get(name) ?? '')}`).join(',')}}`;
}

function pointJson(point: Point): string {
  return `[${formatPointTime(point.t)},"${formatSampleValue(point.v)}"]`;
}

/** `data` of a query: resultType and result. */
export function queryDataJson(value: Value): string {
  switch (value.type) {
    case 'scalar':
      return `{"resultType":"scalar","result":[${formatScalarTime(value.t)},"${formatFloatF(value.v)}"]}`;
    case 'string':
      return `{"resultType":"string","result":[${formatScalarTime(value.t)},${jsonString(value.v)}]}`;
    case 'vector': {
      const samples = value.samples.map(
        (s) => `{"metric":${labelsJson(s.labels)},"value":${pointJson({ t: s.t, v: s.v })}}`,
      );
      return `{"resultType":"vector","result":[${samples.join(',')}]}`;
    }
    case 'matrix': {
      const series = value.series.map(
        (s) => `{"metric":${labelsJson(s.labels)},"values":[${s.points.map(pointJson).join(',')}]}`,
      );
      return `{"resultType":"matrix","result":[${series.join(',')}]}`;
    }
  }
}

export function successJson(dataJson: string): string {
  return `{"status":"success","data":${dataJson}}`;
}

export function errorJson(errorType: PromqlErrorType, message: string): string {
  return `{"status":"error","errorType":"${errorType}","error":${jsonString(message)}}`;
}
