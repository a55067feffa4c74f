/**
 * rate, increase, delta (extrapolatedRate), irate, idelta (instantValue), resets and changes: Prometheus
 * 2.42's promql/functions.go, in the same float operations and order.
 */
import type { Point } from '../values';
import { durationSeconds, type SeriesWindow } from './args';
import { perSeries } from './per-series';

function extrapolatedRate(window: SeriesWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const points = window.points;
  // No sense in computing a rate without at least two points.
  if (points.length < 2) {
    return undefined;
  }
  const first = points[0] as Point;
  const last = points[points.length - 1] as Point;
  let resultValue = last.v - first.v;
  if (isCounter) {
    let prevValue = first.v;
    for (let i = 1; i < points.length; i++) {
      const current = (points[i] as Point).v;
      if (current < prevValue) {
        resultValue += prevValue;
      }
      prevValue = current;
    }
  }

  let durationToStart = (first.t - window.rangeStartMs) / 1000;
  const durationToEnd = (window.rangeEndMs - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (points.length - 1);

  if (isCounter && resultValue > 0 && first.v >= 0) {
    // A counter cannot go below zero: do not extrapolate further back than its zero point.
    const durationToZero = sampledInterval * (first.v / resultValue);
    if (durationToZero < durationToStart) {
      durationToStart = durationToZero;
    }
  }

  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  if (durationToStart < extrapolationThreshold) {
    extrapolateToInterval += durationToStart;
  } else {
    extrapolateToInterval += averageDurationBetweenSamples / 2;
  }
  if (durationToEnd < extrapolationThreshold) {
    extrapolateToInterval += durationToEnd;
  } else {
    extrapolateToInterval += averageDurationBetweenSamples / 2;
  }
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) {
    factor /= durationSeconds(window.rangeEndMs - window.rangeStartMs);
  }
  return resultValue * factor;
}

function instantValue(points: readonly Point[], isRate: boolean): number | undefined {
  if (points.length < 2) {
    return undefined;
  }
  const lastSample = points[points.length - 1] as Point;
  const previousSample = points[points.length - 2] as Point;
  let resultValue: number;
  if (isRate && lastSample.v < previousSample.v) {
    // Counter reset.
    resultValue = lastSample.v;
  } else {
    resultValue = lastSample.v - previousSample.v;
  }
  const sampledInterval = lastSample.t - previousSample.t;
  if (sampledInterval === 0) {
    return undefined;
  }
  if (isRate) {
    resultValue /= sampledInterval / 1000;
  }
  return resultValue;
}

function countResets(points: readonly Point[]): number {
  let resets = 0;
  let prev = (points[0] as Point).v;
  for (let i = 1; i < points.length; i++) {
    const current = (points[i] as Point).v;
    if (current < prev) {
      resets++;
    }
    prev = current;
  }
  return resets;
}

function countChanges(points: readonly Point[]): number {
  let changes = 0;
  let prev = (points[0] as Point).v;
  for (let i = 1; i < points.length; i++) {
    const current = (points[i] as Point).v;
    if (current !== prev && !(Number.isNaN(current) && Number.isNaN(prev))) {
      changes++;
    }
    prev = current;
  }
  return changes;
}

export const rate = perSeries((w) => extrapolatedRate(w, true, true));
export const increase = perSeries((w) => extrapolatedRate(w, true, false));
export const delta = perSeries((w) => extrapolatedRate(w, false, false));
export const irate = perSeries((w) => instantValue(w.points, true));
export const idelta = perSeries((w) => instantValue(w.points, false));
export const resets = perSeries((w) => countResets(w.points));
export const changes = perSeries((w) => countChanges(w.points));
