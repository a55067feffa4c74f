/** deriv and predict_linear: Prometheus 2.42's least-squares linearRegression with Kahan sums. */
import type { Point } from '../values';
import { scalarArg } from './args';
import { kahanSumInc } from './kahan';
import { perSeries } from './per-series';

/** The slope (per second) and the intercept at `interceptTimeMs`. */
export function linearRegression(points: readonly Point[], interceptTimeMs: number): { slope: number; intercept: number } {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = (points[0] as Point).v;
  let constY = true;
  points.forEach((point, i) => {
    if (constY && i > 0 && point.v !== initY) {
      constY = false;
    }
    n += 1;
    const x = (point.t - interceptTimeMs) / 1e3;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(point.v, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * point.v, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  });
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) {
      return { slope: NaN, intercept: NaN };
    }
    return { slope: 0, intercept: initY };
  }
  sumX = sumX + cX;
  sumY = sumY + cY;
  sumXY = sumXY + cXY;
  sumX2 = sumX2 + cX2;

  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return { slope, intercept };
}

// A time near the points (the first one) keeps the regression accurate (prometheus#2674).
export const deriv = perSeries((w) => (w.points.length < 2 ? undefined : linearRegression(w.points, (w.points[0] as Point).t).slope));

export const predictLinear = perSeries((w, input) => {
  if (w.points.length < 2) {
    return undefined;
  }
  const duration = scalarArg(input, 1);
  const { slope, intercept } = linearRegression(w.points, input.timeMs);
  return slope * duration + intercept;
});
