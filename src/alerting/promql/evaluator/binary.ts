/**
 * Binary operators, step by step, as Prometheus 2.42 (engine.go: scalarBinop, VectorscalarBinop,
 * VectorBinop, VectorAnd/Or/Unless, resultMetric, vectorElemBinop).
 */
import type { Binary, BinaryOp, VectorMatching } from '../ast';
import type { Labels, VectorSample } from '../values';
import { DUPLICATE_LABELSET, emptySteps, executionError, internalError, stepTime } from './context';
import type { EvalContext, EvalResult, Grid, StepVectors } from './context';
import { goMod, goPow } from './go-math';
import { dropMetricName, encodePair, formatLabels, labelsKey, METRIC_NAME, sortedNames } from './labels';

const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

export function isComparison(op: BinaryOp): boolean {
  return COMPARISONS.has(op);
}

/** 2.42's shouldDropMetricName: arithmetic except atan2 (which keeps the name until Prometheus 3). */
function dropsName(op: BinaryOp): boolean {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^';
}

/** vectorElemBinop's value for arithmetic (a comparison's value is its left operand). */
export function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '^':
      return goPow(l, r);
    case '%':
      return goMod(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    case '==':
    case '!=':
    case '>':
    case '<':
    case '>=':
    case '<=':
      return l;
    case 'and':
    case 'or':
    case 'unless':
      throw internalError(`not an arithmetic or comparison operator: ${op}`);
  }
}

/** vectorElemBinop's "keep": whether a comparison holds (always true for arithmetic). */
export function holds(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
    case 'atan2':
    case 'and':
    case 'or':
    case 'unless':
      return true;
  }
}

function scalarBinop(op: BinaryOp, l: number, r: number): number {
  return isComparison(op) ? (holds(op, l, r) ? 1 : 0) : arithmetic(op, l, r);
}

const DEFAULT_MATCHING: VectorMatching = { kind: 'ignoring', labels: [], card: 'one-to-one', include: [] };

/** The match signature of a label set: the `on` labels, or all but `__name__` and the `ignoring` labels. */
function signatureFunction(matching: VectorMatching): (labels: Labels) => string {
  const names = new Set(matching.labels);
  const cache = new Map<Labels, string>();
  return (labels) => {
    let sig = cache.get(labels);
    if (sig === undefined) {
      sig = '';
      for (const name of sortedNames(labels)) {
        const listed = names.has(name);
        if (matching.kind === 'on' ? listed : !listed && name !== METRIC_NAME) sig += encodePair(name, labels.get(name) ?? '');
      }
      cache.set(labels, sig);
    }
    return sig;
  };
}

function matchLabels(labels: Labels, matching: VectorMatching): Labels {
  const names = new Set(matching.labels);
  const out = new Map<string, string>();
  for (const [name, value] of labels) {
    const listed = names.has(name);
    if (matching.kind === 'on' ? listed : !listed && name !== METRIC_NAME) out.set(name, value);
  }
  return out;
}

export function checkUnique(samples: readonly VectorSample[]): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelsKey(s.labels);
    if (seen.has(key)) throw executionError(DUPLICATE_LABELSET);
    seen.add(key);
  }
}

function setOperation(op: 'and' | 'or' | 'unless', lhs: readonly VectorSample[], rhs: readonly VectorSample[], sig: (l: Labels) => string): VectorSample[] {
  if (op === 'and') {
    if (lhs.length === 0 || rhs.length === 0) return [];
    const right = new Set(rhs.map((s) => sig(s.labels)));
    return lhs.filter((s) => right.has(sig(s.labels)));
  }
  if (op === 'or') {
    if (lhs.length === 0) return [...rhs];
    if (rhs.length === 0) return [...lhs];
    const left = new Set(lhs.map((s) => sig(s.labels)));
    return [...lhs, ...rhs.filter((s) => !left.has(sig(s.labels)))];
  }
  if (lhs.length === 0 || rhs.length === 0) return [...lhs];
  const right = new Set(rhs.map((s) => sig(s.labels)));
  return lhs.filter((s) => !right.has(sig(s.labels)));
}

class VectorBinop {
  private readonly sig: (labels: Labels) => string;
  private readonly metrics = new Map<Labels, Map<Labels, Labels>>();

  constructor(
    private readonly op: BinaryOp,
    private readonly matching: VectorMatching,
    private readonly returnBool: boolean,
  ) {
    this.sig = signatureFunction(matching);
  }

  step(lhsIn: readonly VectorSample[], rhsIn: readonly VectorSample[], t: number): VectorSample[] {
    if (lhsIn.length === 0 || rhsIn.length === 0) return [];
    const { matching, op, returnBool } = this;
    const swapped = matching.card === 'one-to-many';
    const [lhs, rhs] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
    const rightSigs = new Map<string, VectorSample>();
    for (const rs of rhs) {
      const sig = this.sig(rs.labels);
      const dupl = rightSigs.get(sig);
      if (dupl !== undefined) {
        throw executionError(
          `found duplicate series for the match group ${formatLabels(matchLabels(rs.labels, matching))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${formatLabels(rs.labels)}, ${formatLabels(dupl.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      rightSigs.set(sig, rs);
    }
    const matched = new Map<string, Set<string> | null>();
    const out: VectorSample[] = [];
    for (const ls of lhs) {
      const sig = this.sig(ls.labels);
      const rs = rightSigs.get(sig);
      if (rs === undefined) continue;
      const vl = swapped ? rs.v : ls.v;
      const vr = swapped ? ls.v : rs.v;
      const keep = holds(op, vl, vr);
      let value: number;
      if (returnBool) value = keep ? 1 : 0;
      else if (!keep) continue;
      else value = arithmetic(op, vl, vr);
      let metric = this.resultMetric(ls.labels, rs.labels);
      if (returnBool) metric = dropMetricName(metric);
      const inserted = matched.get(sig);
      if (matching.card === 'one-to-one') {
        if (inserted !== undefined) throw executionError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        matched.set(sig, null);
      } else {
        const insertSig = labelsKey(metric);
        if (inserted === undefined || inserted === null) matched.set(sig, new Set([insertSig]));
        else if (inserted.has(insertSig)) throw executionError('multiple matches for labels: grouping labels must ensure unique matches');
        else inserted.add(insertSig);
      }
      out.push({ labels: metric, t, v: value });
    }
    return out;
  }

  private resultMetric(lhs: Labels, rhs: Labels): Labels {
    let byRhs = this.metrics.get(lhs);
    if (byRhs === undefined) {
      byRhs = new Map();
      this.metrics.set(lhs, byRhs);
    }
    const cached = byRhs.get(rhs);
    if (cached !== undefined) return cached;
    const { matching } = this;
    const out = new Map(lhs);
    if (dropsName(this.op)) out.delete(METRIC_NAME);
    if (matching.card === 'one-to-one') {
      const names = new Set(matching.labels);
      for (const name of [...out.keys()]) if ((matching.kind === 'on') !== names.has(name)) out.delete(name);
    }
    for (const name of matching.include) {
      const v = rhs.get(name);
      if (v !== undefined && v !== '') out.set(name, v);
      else out.delete(name);
    }
    byRhs.set(rhs, out);
    return out;
  }
}

function vectorScalarStep(op: BinaryOp, vector: readonly VectorSample[], scalar: number, swap: boolean, returnBool: boolean, t: number): VectorSample[] {
  const out: VectorSample[] = [];
  const comparison = isComparison(op);
  for (const s of vector) {
    const l = swap ? scalar : s.v;
    const r = swap ? s.v : scalar;
    let keep = holds(op, l, r);
    // A comparison keeps the vector's value even when the vector is on the right.
    let value = comparison ? s.v : arithmetic(op, l, r);
    if (returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    const labels = dropsName(op) || returnBool ? dropMetricName(s.labels) : s.labels;
    out.push({ labels, t, v: value });
  }
  return out;
}

function asVector(result: EvalResult): StepVectors | undefined {
  return result.kind === 'vector' ? result.steps : undefined;
}

export function evalBinary(ctx: EvalContext, node: Binary, grid: Grid): EvalResult {
  const lhs = ctx.evaluate(node.lhs, grid);
  const rhs = ctx.evaluate(node.rhs, grid);
  const { op, returnBool } = node;
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const values = new Float64Array(grid.steps);
    for (let i = 0; i < grid.steps; i++) values[i] = scalarBinop(op, lhs.values[i] ?? NaN, rhs.values[i] ?? NaN);
    return { kind: 'scalar', values };
  }
  const steps = emptySteps(grid);
  const lv = asVector(lhs);
  const rv = asVector(rhs);
  if (lv !== undefined && rv !== undefined) {
    const matching = node.matching ?? DEFAULT_MATCHING;
    if (op === 'and' || op === 'or' || op === 'unless') {
      const sig = signatureFunction(matching);
      for (let i = 0; i < grid.steps; i++) steps[i] = setOperation(op, lv[i] ?? [], rv[i] ?? [], sig);
    } else {
      const binop = new VectorBinop(op, matching, returnBool);
      for (let i = 0; i < grid.steps; i++) steps[i] = binop.step(lv[i] ?? [], rv[i] ?? [], stepTime(grid, i));
    }
  } else if (lv !== undefined && rhs.kind === 'scalar') {
    for (let i = 0; i < grid.steps; i++) steps[i] = vectorScalarStep(op, lv[i] ?? [], rhs.values[i] ?? NaN, false, returnBool, stepTime(grid, i));
  } else if (rv !== undefined && lhs.kind === 'scalar') {
    for (let i = 0; i < grid.steps; i++) steps[i] = vectorScalarStep(op, rv[i] ?? [], lhs.values[i] ?? NaN, true, returnBool, stepTime(grid, i));
  } else {
    throw internalError(`binary operator ${op} between ${lhs.kind} and ${rhs.kind}`);
  }
  for (const samples of steps) checkUnique(samples);
  return { kind: 'vector', steps };
}

