import { compareTuples, formatValue, type Tuple, type ValueType } from './values';

/** The satisfying tuples of one time point (columns: the formula's free variables in order of first appearance). */
export interface Verdict {
  readonly tp: number;
  readonly ts: number;
  readonly tuples: readonly Tuple[];
}

/** MonPoly's verdict line: `@ts (time point i): (a,b) (c,d)`, or `true` for a closed formula. */
export function formatVerdict(verdict: Verdict, types: readonly ValueType[]): string {
  const head = `@${verdict.ts} (time point ${verdict.tp}): `;
  if (types.length === 0) return `${head}true`;
  const sorted = [...verdict.tuples].sort(compareTuples);
  return head + sorted.map((t) => `(${t.map((v, i) => formatValue(v, types[i] as ValueType)).join(',')})`).join(' ');
}
