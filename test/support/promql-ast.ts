/**
 * Test helpers for the PromQL evaluator without the parser: terse AST builders, a printer back to PromQL
 * text (to send the same expression to a real Prometheus), Prometheus's `load` notation for test series,
 * and the selection of the series each selector reads (a minimal matcher; the real one is matchers.ts).
 */
import type {
  AggregateOp,
  AtModifier,
  BinaryOp,
  Expr,
  LabelMatcher,
  MatchType,
  MatrixSelector,
  VectorMatching,
  VectorSelector,
} from '../../src/alerting/promql/ast';
import type { SelectedData } from '../../src/alerting/promql/engine-api';
import type { Labels, Point, StoredSeries } from '../../src/alerting/promql/values';

export const S = 1000;
export const M = 60 * S;

interface SelectorOptions {
  readonly offset?: number;
  readonly at?: number | 'start' | 'end';
}

function atModifier(at: SelectorOptions['at']): AtModifier | undefined {
  if (at === undefined) return undefined;
  if (at === 'start' || at === 'end') return { kind: at };
  return { kind: 'time', ms: at };
}

/** `sel('foo', 'job="api", instance=~"0|1"')` */
export function sel(name: string | undefined, matchers = '', opts: SelectorOptions = {}): VectorSelector {
  const list: LabelMatcher[] = name === undefined ? [] : [{ name: '__name__', type: '=', value: name }];
  for (const m of matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
    list.push({ name: m[1] ?? '', type: (m[2] ?? '=') as MatchType, value: JSON.parse(`"${m[3] ?? ''}"`) as string });
  }
  const at = atModifier(opts.at);
  return { type: 'VectorSelector', matchers: list, offsetMs: opts.offset ?? 0, ...(at === undefined ? {} : { at }) };
}

export function mat(vector: VectorSelector, rangeMs: number): MatrixSelector {
  return { type: 'MatrixSelector', vector, rangeMs };
}

export function subq(expr: Expr, rangeMs: number, stepMs?: number, opts: SelectorOptions = {}): Expr {
  const at = atModifier(opts.at);
  return { type: 'Subquery', expr, rangeMs, offsetMs: opts.offset ?? 0, ...(stepMs === undefined ? {} : { stepMs }), ...(at === undefined ? {} : { at }) };
}

export const num = (value: number): Expr => ({ type: 'NumberLiteral', value });
export const str = (value: string): Expr => ({ type: 'StringLiteral', value });
export const paren = (expr: Expr): Expr => ({ type: 'Paren', expr });
export const neg = (expr: Expr): Expr => ({ type: 'Unary', op: '-', expr });
export const pos = (expr: Expr): Expr => ({ type: 'Unary', op: '+', expr });
export const call = (func: string, ...args: Expr[]): Expr => ({ type: 'Call', func, args });

interface BinOptions {
  readonly bool?: boolean;
  readonly on?: readonly string[];
  readonly ignoring?: readonly string[];
  readonly groupLeft?: readonly string[];
  readonly groupRight?: readonly string[];
}

export function bin(op: BinaryOp, lhs: Expr, rhs: Expr, opts: BinOptions = {}): Expr {
  const setOp = op === 'and' || op === 'or' || op === 'unless';
  let matching: VectorMatching | undefined;
  if (opts.on !== undefined || opts.ignoring !== undefined || opts.groupLeft !== undefined || opts.groupRight !== undefined) {
    const card = setOp ? 'many-to-many' : opts.groupLeft !== undefined ? 'many-to-one' : opts.groupRight !== undefined ? 'one-to-many' : 'one-to-one';
    matching = {
      kind: opts.on !== undefined ? 'on' : 'ignoring',
      labels: opts.on ?? opts.ignoring ?? [],
      card,
      include: opts.groupLeft ?? opts.groupRight ?? [],
    };
  }
  return { type: 'Binary', op, lhs, rhs, returnBool: opts.bool ?? false, ...(matching === undefined ? {} : { matching }) };
}

interface AggOptions {
  readonly by?: readonly string[];
  readonly without?: readonly string[];
  readonly param?: Expr;
}

export function agg(op: AggregateOp, expr: Expr, opts: AggOptions = {}): Expr {
  return {
    type: 'Aggregate',
    op,
    expr,
    grouping: opts.without ?? opts.by ?? [],
    without: opts.without !== undefined,
    ...(opts.param === undefined ? {} : { param: opts.param }),
  };
}

function duration(ms: number): string {
  return `${ms}ms`;
}

function printAt(at: AtModifier | undefined): string {
  if (at === undefined) return '';
  if (at.kind === 'time') return ` @ ${at.ms / 1000}`;
  return ` @ ${at.kind}()`;
}

function printSelector(v: VectorSelector): string {
  const name = v.matchers.find((m) => m.name === '__name__' && m.type === '=');
  const rest = v.matchers.filter((m) => m !== name).map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`);
  return `${name?.value ?? ''}${rest.length > 0 || name === undefined ? `{${rest.join(',')}}` : ''}`;
}

function printModifiers(offsetMs: number, at: AtModifier | undefined): string {
  return `${offsetMs !== 0 ? ` offset ${offsetMs < 0 ? '-' : ''}${duration(Math.abs(offsetMs))}` : ''}${printAt(at)}`;
}

function printNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** PromQL text for an AST, fully parenthesised where precedence could matter. */
export function toPromql(e: Expr): string {
  switch (e.type) {
    case 'VectorSelector':
      return printSelector(e) + printModifiers(e.offsetMs, e.at);
    case 'MatrixSelector':
      return `${printSelector(e.vector)}[${duration(e.rangeMs)}]${printModifiers(e.vector.offsetMs, e.vector.at)}`;
    case 'Subquery':
      return `(${toPromql(e.expr)})[${duration(e.rangeMs)}:${e.stepMs === undefined ? '' : duration(e.stepMs)}]${printModifiers(e.offsetMs, e.at)}`;
    case 'NumberLiteral':
      return printNumber(e.value);
    case 'StringLiteral':
      return JSON.stringify(e.value);
    case 'Paren':
      return `(${toPromql(e.expr)})`;
    case 'Unary':
      return `${e.op}(${toPromql(e.expr)})`;
    case 'Binary': {
      const m = e.matching;
      let mod = e.returnBool ? ' bool' : '';
      if (m !== undefined) {
        mod += ` ${m.kind}(${m.labels.join(',')})`;
        if (m.card === 'many-to-one') mod += ` group_left(${m.include.join(',')})`;
        if (m.card === 'one-to-many') mod += ` group_right(${m.include.join(',')})`;
      }
      return `(${toPromql(e.lhs)}) ${e.op}${mod} (${toPromql(e.rhs)})`;
    }
    case 'Aggregate': {
      const grouping = e.without ? ` without(${e.grouping.join(',')})` : e.grouping.length > 0 ? ` by(${e.grouping.join(',')})` : '';
      return `${e.op}${grouping}(${e.param === undefined ? '' : `${toPromql(e.param)}, `}${toPromql(e.expr)})`;
    }
    case 'Call':
      return `${e.func}(${e.args.map(toPromql).join(', ')})`;
  }
}

/** Parses `name{a="b", c="d"}` into labels. */
export function labelsOf(text: string): Labels {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$/.exec(text);
  if (m === null) throw new Error(`bad series ${text}`);
  const labels = new Map<string, string>();
  if (m[1] !== undefined) labels.set('__name__', m[1]);
  for (const p of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) labels.set(p[1] ?? '', JSON.parse(`"${p[2] ?? ''}"`) as string);
  return labels;
}

function parseValue(text: string): number {
  if (text === 'Inf' || text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  return Number(text);
}

/** Prometheus's `load <interval>` value notation: `1 2 _ 3`, `0+10x10`, `5-1x3`, `_x4`, `7x2`. */
export function expandValues(notation: string): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const token of notation.trim().split(/\s+/)) {
    const skip = /^_x(\d+)$/.exec(token);
    if (token === '_') out.push(undefined);
    else if (skip !== null) for (let i = 0; i < Number(skip[1]); i++) out.push(undefined);
    else {
      const series = /^([-+]?[^+\-x]+(?:e[-+]?\d+)?)(?:([+-])([^x]+))?x(\d+)$/.exec(token);
      if (series === null) out.push(parseValue(token));
      else {
        const start = parseValue(series[1] ?? '0');
        const inc = series[3] === undefined ? 0 : parseValue(series[3]) * (series[2] === '-' ? -1 : 1);
        for (let i = 0; i <= Number(series[4]); i++) out.push(start + inc * i);
      }
    }
  }
  return out;
}

/** `load(5 * M, { 'http_requests{job="api"}': '0+10x10' })`: samples at 0, interval, 2 * interval... */
export function load(intervalMs: number, spec: Record<string, string>): StoredSeries[] {
  return Object.entries(spec).map(([name, notation]) => {
    const points: Point[] = [];
    expandValues(notation).forEach((v, i) => {
      if (v !== undefined) points.push({ t: i * intervalMs, v });
    });
    return { labels: labelsOf(name), points };
  });
}

function matches(m: LabelMatcher, value: string): boolean {
  switch (m.type) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(value);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(value);
  }
}

export function matchesSeries(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels.get(m.name) ?? ''));
}

function selectorsOf(e: Expr, out: VectorSelector[]): VectorSelector[] {
  switch (e.type) {
    case 'VectorSelector':
      out.push(e);
      break;
    case 'MatrixSelector':
      out.push(e.vector);
      break;
    case 'Subquery':
    case 'Paren':
    case 'Unary':
      selectorsOf(e.expr, out);
      break;
    case 'Binary':
      selectorsOf(e.lhs, out);
      selectorsOf(e.rhs, out);
      break;
    case 'Aggregate':
      if (e.param !== undefined) selectorsOf(e.param, out);
      selectorsOf(e.expr, out);
      break;
    case 'Call':
      e.args.forEach((a) => selectorsOf(a, out));
      break;
    case 'NumberLiteral':
    case 'StringLiteral':
      break;
  }
  return out;
}

/** Every selector of `expr` with the series of `pool` its matchers select (all their points). */
export function selectData(expr: Expr, pool: readonly StoredSeries[]): SelectedData {
  const data = new Map<VectorSelector, readonly StoredSeries[]>();
  for (const s of selectorsOf(expr, [])) data.set(s, pool.filter((series) => matchesSeries(s.matchers, series.labels)));
  return data;
}
