/**
 * The PromQL syntax tree MyMONIT evaluates: what the parser (parse.ts, over @prometheus-io/lezer-promql)
 * produces and the evaluator (evaluate.ts) consumes. Plain data, no behaviour. Times and durations are
 * integer milliseconds, as PromQL sees them.
 */

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/** `@ <time>`, `@ start()`, `@ end()`. */
export type AtModifier = { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' } | { readonly kind: 'end' };

export interface VectorSelector {
  readonly type: 'VectorSelector';
  /** Every matcher, the metric name included as `__name__ = ...` when written before the braces. */
  readonly matchers: readonly LabelMatcher[];
  readonly offsetMs: number;
  readonly at?: AtModifier;
}

export interface MatrixSelector {
  readonly type: 'MatrixSelector';
  readonly vector: VectorSelector;
  readonly rangeMs: number;
}

export interface Subquery {
  readonly type: 'Subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  /** undefined: the default resolution (the evaluation interval; 1 minute in queries, like Prometheus). */
  readonly stepMs?: number;
  readonly offsetMs: number;
  readonly at?: AtModifier;
}

export interface NumberLiteral {
  readonly type: 'NumberLiteral';
  readonly value: number;
}

export interface StringLiteral {
  readonly type: 'StringLiteral';
  readonly value: string;
}

export interface Paren {
  readonly type: 'Paren';
  readonly expr: Expr;
}

export interface Unary {
  readonly type: 'Unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export interface VectorMatching {
  /** 'on' lists the labels to match on; 'ignoring' the labels to leave out. */
  readonly kind: 'on' | 'ignoring';
  readonly labels: readonly string[];
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** The labels copied from the "one" side by group_left(...) / group_right(...). */
  readonly include: readonly string[];
}

export interface Binary {
  readonly type: 'Binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Comparison with `bool`. */
  readonly returnBool: boolean;
  /** undefined: no on/ignoring written (one-to-one on all labels; many-to-many for set operators). */
  readonly matching?: VectorMatching;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'group';

export interface Aggregate {
  readonly type: 'Aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** topk/bottomk/quantile: a number; count_values: a string. */
  readonly param?: Expr;
  readonly grouping: readonly string[];
  /** true: `without (...)`; false: `by (...)` or no clause. */
  readonly without: boolean;
}

export interface Call {
  readonly type: 'Call';
  readonly func: string;
  readonly args: readonly Expr[];
}

export type Expr =
  | VectorSelector
  | MatrixSelector
  | Subquery
  | NumberLiteral
  | StringLiteral
  | Paren
  | Unary
  | Binary
  | Aggregate
  | Call;

/** The type an expression evaluates to, as Prometheus's parser checks it. */
export type ValueType = 'scalar' | 'string' | 'vector' | 'matrix';
