import type { SourcePosition } from './errors';
import type { Value } from './values';

/** A metric interval on timestamp differences, normalised to integer closed bounds (`hi` null: no upper bound). */
export interface Interval {
  readonly lo: number;
  readonly hi: number | null;
}

export type Term =
  | { readonly kind: 'var'; readonly name: string; readonly pos: SourcePosition }
  | { readonly kind: 'const'; readonly value: Value; readonly type: 'int' | 'float' | 'string'; readonly pos: SourcePosition }
  | { readonly kind: 'unary'; readonly op: UnaryFunction; readonly arg: Term; readonly pos: SourcePosition }
  | { readonly kind: 'binary'; readonly op: ArithmeticOperator; readonly left: Term; readonly right: Term; readonly pos: SourcePosition };

export type UnaryFunction = 'neg' | 'i2f' | 'f2i' | 'i2s' | 's2i' | 'f2s' | 's2f';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | 'MOD';
export type ComparisonOperator = '=' | '<' | '<=';
export type AggregationOperator = 'CNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG' | 'MED';
export type UnaryTemporal = 'PREVIOUS' | 'NEXT' | 'ONCE' | 'EVENTUALLY' | 'HISTORICALLY' | 'ALWAYS';

/** MonPoly's formulas as written (sugar included); see normalize.ts for the core the monitor evaluates. */
export type Formula =
  | { readonly kind: 'pred'; readonly name: string; readonly args: readonly Term[]; readonly pos: SourcePosition }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: SourcePosition }
  | { readonly kind: 'cmp'; readonly op: ComparisonOperator; readonly left: Term; readonly right: Term; readonly pos: SourcePosition }
  | { readonly kind: 'not'; readonly arg: Formula; readonly pos: SourcePosition }
  | {
      readonly kind: 'and' | 'or' | 'implies' | 'equiv';
      readonly left: Formula;
      readonly right: Formula;
      readonly pos: SourcePosition;
    }
  | { readonly kind: 'exists' | 'forall'; readonly vars: readonly string[]; readonly arg: Formula; readonly pos: SourcePosition }
  | { readonly kind: 'temporal'; readonly op: UnaryTemporal; readonly interval: Interval; readonly arg: Formula; readonly pos: SourcePosition }
  | {
      readonly kind: 'since' | 'until';
      readonly interval: Interval;
      readonly left: Formula;
      readonly right: Formula;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'aggregation';
      readonly result: string;
      readonly op: AggregationOperator;
      readonly variable: string;
      readonly groupBy: readonly string[];
      readonly arg: Formula;
      readonly pos: SourcePosition;
    };

export const UNBOUNDED: Interval = { lo: 0, hi: null };

export function inInterval(diff: number, interval: Interval): boolean {
  return diff >= interval.lo && (interval.hi === null || diff <= interval.hi);
}
