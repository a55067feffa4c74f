/**
 * Aggregation operators, step by step, as Prometheus 2.42 (engine.go `aggregation`): groups in first-seen
 * order, sum in input order without compensation, avg as 2.42's incremental mean, stddev/stdvar by
 * Welford's running algorithm, min/max replacing a NaN, topk/bottomk through Go's heap.
 */
import type { Aggregate } from '../ast';
import type { Labels, VectorSample } from '../values';
import { emptySteps, executionError, internalError, stepTime } from './context';
import type { EvalContext, EvalResult, Grid } from './context';
import { formatGoFloat, formatGoFloatV } from './go-math';
import { byReverseValue, byValue, heapPop, heapPush, sortReversed } from './heap';
import { encodePair, METRIC_NAME, sortedNames } from './labels';
import { checkUnique } from './binary';

interface Group {
  readonly labels: Labels;
  value: number;
  mean: number;
  count: number;
  heap: VectorSample[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** quantile(): 2.42's interpolation between the two closest ranks. */
export function quantile(q: number, values: readonly number[]): number {
  if (values.length === 0) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
  const n = sorted.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return (sorted[lowerIndex] ?? NaN) * (1 - weight) + (sorted[upperIndex] ?? NaN) * weight;
}

class Grouper {
  private readonly names: ReadonlySet<string>;
  private readonly keys = new Map<Labels, string>();

  constructor(
    grouping: readonly string[],
    private readonly without: boolean,
  ) {
    this.names = new Set(grouping);
  }

  /** `remember`: false for label sets made for one sample only (count_values), not worth caching. */
  key(labels: Labels, remember = true): string {
    let key = this.keys.get(labels);
    if (key === undefined) {
      key = '';
      for (const name of sortedNames(labels)) if (this.included(name)) key += encodePair(name, labels.get(name) ?? '');
      if (remember) this.keys.set(labels, key);
    }
    return key;
  }

  private readonly groupLabels = new Map<string, Labels>();

  /** The group's label set, the same object at every step (so later steps find it by identity). */
  labels(key: string, metric: Labels): Labels {
    let out = this.groupLabels.get(key);
    if (out === undefined) {
      const labels = new Map<string, string>();
      for (const name of sortedNames(metric)) if (this.included(name)) labels.set(name, metric.get(name) ?? '');
      out = labels;
      this.groupLabels.set(key, out);
    }
    return out;
  }

  private included(name: string): boolean {
    return this.without ? !this.names.has(name) && name !== METRIC_NAME : this.names.has(name);
  }
}

function aggregateStep(node: Aggregate, grouper: Grouper, param: number | string | undefined, vec: readonly VectorSample[], t: number): VectorSample[] {
  const op = node.op;
  let k = 0;
  if (op === 'topk' || op === 'bottomk') {
    const f = typeof param === 'number' ? param : NaN;
    if (!(f <= 9223372036854774784 && f >= -9223372036854775808)) throw executionError(`Scalar value ${formatGoFloatV(f)} overflows int64`);
    k = Math.trunc(f);
    if (k < 1) return [];
  }
  const q = typeof param === 'number' ? param : NaN;
  let valueLabel = '';
  if (op === 'count_values') {
    valueLabel = typeof param === 'string' ? param : '';
    if (!LABEL_NAME.test(valueLabel)) throw executionError(`invalid label name ${JSON.stringify(valueLabel)}`);
  }
  const groups = new Map<string, Group>();
  const ordered: Group[] = [];
  for (const s of vec) {
    let metric = s.labels;
    let key: string;
    if (op === 'count_values') {
      const withValue = new Map(metric);
      withValue.set(valueLabel, formatGoFloat(s.v));
      metric = withValue;
      key = grouper.key(metric, false);
    } else {
      key = grouper.key(metric);
    }
    const group = groups.get(key);
    if (group === undefined) {
      const g: Group = { labels: grouper.labels(key, metric), value: s.v, mean: s.v, count: 1, heap: [] };
      if (op === 'stddev' || op === 'stdvar') g.value = 0;
      else if (op === 'topk' || op === 'bottomk' || op === 'quantile') g.heap = [s];
      else if (op === 'group') g.value = 1;
      groups.set(key, g);
      ordered.push(g);
      continue;
    }
    addSample(op, group, s, k);
  }
  const out: VectorSample[] = [];
  for (const g of ordered) {
    let value = g.value;
    switch (op) {
      case 'avg':
        value = g.mean;
        break;
      case 'count':
      case 'count_values':
        value = g.count;
        break;
      case 'stdvar':
        value = g.value / g.count;
        break;
      case 'stddev':
        value = Math.sqrt(g.value / g.count);
        break;
      case 'topk':
      case 'bottomk':
        for (const s of g.heap.length > 1 ? sortReversed(g.heap, op === 'topk' ? byValue : byReverseValue) : g.heap) out.push({ labels: s.labels, t, v: s.v });
        continue;
      case 'quantile':
        value = quantile(q, g.heap.map((s) => s.v));
        break;
      case 'sum':
      case 'min':
      case 'max':
      case 'group':
        break;
    }
    out.push({ labels: g.labels, t, v: value });
  }
  return out;
}

function addSample(op: Aggregate['op'], group: Group, s: VectorSample, k: number): void {
  switch (op) {
    case 'sum':
      group.value += s.v;
      break;
    case 'avg':
      group.count++;
      if (!Number.isFinite(group.mean) && !Number.isNaN(group.mean)) {
        // An infinite mean stays when the new value is the same infinity or finite (Inf - Inf would be NaN).
        if (!Number.isFinite(s.v) && !Number.isNaN(s.v) && group.mean > 0 === s.v > 0) break;
        if (Number.isFinite(s.v)) break;
      }
      // Each side divided by the count, to avoid float64 overflow (2.42's exact order of operations).
      group.mean += s.v / group.count - group.mean / group.count;
      break;
    case 'group':
      break;
    case 'max':
      if (group.value < s.v || Number.isNaN(group.value)) group.value = s.v;
      break;
    case 'min':
      if (group.value > s.v || Number.isNaN(group.value)) group.value = s.v;
      break;
    case 'count':
    case 'count_values':
      group.count++;
      break;
    case 'stddev':
    case 'stdvar': {
      group.count++;
      const delta = s.v - group.mean;
      group.mean += delta / group.count;
      group.value += delta * (s.v - group.mean);
      break;
    }
    case 'topk':
    case 'bottomk': {
      const less = op === 'topk' ? byValue : byReverseValue;
      const top = group.heap[0];
      if (top === undefined) break;
      const better = op === 'topk' ? top.v < s.v : top.v > s.v;
      if (group.heap.length < k || better || Number.isNaN(top.v)) {
        if (group.heap.length === k) {
          if (k === 1) {
            group.heap[0] = s;
            break;
          }
          heapPop(group.heap, less);
        }
        heapPush(group.heap, less, s);
      }
      break;
    }
    case 'quantile':
      group.heap.push(s);
      break;
    default:
      throw internalError(`unknown aggregation ${String(op)}`);
  }
}

export function evalAggregate(ctx: EvalContext, node: Aggregate, grid: Grid): EvalResult {
  let params: ((i: number) => number | string) | undefined;
  if (node.param !== undefined) {
    const p = ctx.evaluate(node.param, grid);
    if (p.kind === 'string') params = () => p.value;
    else if (p.kind === 'scalar') params = (i) => p.values[i] ?? NaN;
    else throw internalError(`aggregation parameter of type ${p.kind}`);
  }
  const input = ctx.evaluate(node.expr, grid);
  if (input.kind !== 'vector') throw internalError(`aggregation over ${input.kind}`);
  let grouping = node.grouping;
  if (node.op === 'count_values' && !node.without) {
    const label = params?.(0);
    grouping = typeof label === 'string' ? [...grouping, label] : grouping;
  }
  const grouper = new Grouper(grouping, node.without);
  const steps = emptySteps(grid);
  for (let i = 0; i < grid.steps; i++) {
    const out = aggregateStep(node, grouper, params?.(i), input.steps[i] ?? [], stepTime(grid, i));
    checkUnique(out);
    steps[i] = out;
  }
  return { kind: 'vector', steps };
}
