/**
 * TEMPORARY test engine, until the PromQL engine is merged: it knows bare vector selectors only
 * (`name`, `name{l="v", l=~"re"}`, `{...}`; no escapes in values) and evaluates them with the 5-minute
 * lookback and no staleness. Enough to drive the HTTP API and the MySQL series source end to end.
 */
import type { LabelMatcher } from '../../../src/alerting/promql/ast';
import { PromqlError, type PromqlEngine, type SeriesSource } from '../../../src/alerting/promql/engine-api';
import type { Matrix, MatrixSeries, StoredSeries, Value, VectorSample } from '../../../src/alerting/promql/values';

const LOOKBACK_MS = 300_000;
const SELECTOR = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(?:\{(.*)\})?$/;
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"\s*$/;

function parse(text: string): LabelMatcher[] {
  const match = SELECTOR.exec(text.trim());
  if (!match || text.trim() === '') throw new PromqlError('bad_data', `1:1: parse error: the test engine cannot read ${JSON.stringify(text)}`);
  const matchers: LabelMatcher[] = match[1] ? [{ name: '__name__', type: '=', value: match[1] }] : [];
  for (const part of (match[2] ?? '').split(',').filter((p) => p.trim() !== '')) {
    const m = MATCHER.exec(part);
    if (!m) throw new PromqlError('bad_data', `1:1: parse error: the test engine cannot read ${JSON.stringify(part)}`);
    matchers.push({ name: m[1] as string, type: m[2] as LabelMatcher['type'], value: m[3] as string });
  }
  if (matchers.length === 0) throw new PromqlError('bad_data', '1:1: parse error: vector selector must contain at least one non-empty matcher');
  return matchers;
}

function at(series: readonly StoredSeries[], t: number): VectorSample[] {
  const samples: VectorSample[] = [];
  for (const s of series) {
    const last = [...s.points].reverse().find((p) => p.t <= t && p.t > t - LOOKBACK_MS);
    if (last) samples.push({ labels: s.labels, t, v: last.v });
  }
  return samples;
}

export class SelectorEngine implements PromqlEngine {
  async instant(query: string, timeMs: number, source: SeriesSource): Promise<Value> {
    const series = await source.select({ matchers: parse(query), startMs: timeMs - LOOKBACK_MS, endMs: timeMs });
    return { type: 'vector', samples: at(series, timeMs) };
  }

  async range(query: string, startMs: number, endMs: number, stepMs: number, source: SeriesSource): Promise<Matrix> {
    const series = await source.select({ matchers: parse(query), startMs: startMs - LOOKBACK_MS, endMs });
    const out: MatrixSeries[] = [];
    for (const s of series) {
      const points = [];
      for (let t = startMs; t <= endMs; t += stepMs) {
        const [sample] = at([s], t);
        if (sample) points.push({ t, v: sample.v });
      }
      if (points.length > 0) out.push({ labels: s.labels, points });
    }
    return { type: 'matrix', series: out };
  }

  parseSelector(text: string): readonly LabelMatcher[] {
    return parse(text);
  }

  check(query: string): PromqlError | undefined {
    try {
      parse(query);
      return undefined;
    } catch (error) {
      return error as PromqlError;
    }
  }
}
