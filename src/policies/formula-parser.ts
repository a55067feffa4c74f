import type { AggregationOperator, Formula, Interval, Term, UnaryFunction, UnaryTemporal } from './ast';
import { PolicySyntaxError, type SourcePosition } from './errors';
import { tokenize, type Token } from './lexer';

const TEMPORAL: Readonly<Record<string, UnaryTemporal>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, UnaryTemporal>, {
    PREVIOUS: 'PREVIOUS',
    PREV: 'PREVIOUS',
    NEXT: 'NEXT',
    ONCE: 'ONCE',
    EVENTUALLY: 'EVENTUALLY',
    SOMETIMES: 'EVENTUALLY',
    ALWAYS: 'ALWAYS',
    HISTORICALLY: 'HISTORICALLY',
    PAST_ALWAYS: 'HISTORICALLY',
  }),
);
const FUNCTIONS = new Set<string>(['i2f', 'f2i', 'i2s', 's2i', 'f2s', 's2f']);
const AGGREGATIONS = new Set<string>(['CNT', 'SUM', 'MIN', 'MAX', 'AVG', 'MED']);
const UNSUPPORTED = new Set<string>(['LET', 'LETPAST', 'MATCHES', 'SUBSTRING', 'YEAR', 'MONTH', 'DAY_OF_MONTH', 'FORMAT_DATE', 'r2s', 's2r']);
const KEYWORDS = new Set<string>([
  ...Object.keys(TEMPORAL),
  ...AGGREGATIONS,
  ...UNSUPPORTED,
  'NOT',
  'AND',
  'OR',
  'IMPLIES',
  'EQUIV',
  'EXISTS',
  'FORALL',
  'SINCE',
  'UNTIL',
  'TRUE',
  'FALSE',
  'MOD',
]);
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

interface Binary {
  readonly kind: 'and' | 'or' | 'implies' | 'equiv' | 'since' | 'until';
  readonly bp: number;
  readonly rightBp: number;
}
// MonPoly's precedence, loosest first: SINCE/UNTIL (right) < unary temporal < EXISTS/FORALL < EQUIV < IMPLIES (right) < OR < AND < NOT.
const BINARY: Readonly<Record<string, Binary>> = {
  SINCE: { kind: 'since', bp: 1, rightBp: 0 },
  UNTIL: { kind: 'until', bp: 1, rightBp: 0 },
  EQUIV: { kind: 'equiv', bp: 4, rightBp: 4 },
  IMPLIES: { kind: 'implies', bp: 5, rightBp: 4 },
  OR: { kind: 'or', bp: 6, rightBp: 6 },
  AND: { kind: 'and', bp: 7, rightBp: 7 },
};
const PREFIX_BODY_BP = 1;
const NOT_BP = 7;
/** Deeper nesting is refused as a syntax error rather than overflowing the stack of every pass that recurses. */
const MAX_DEPTH = 200;

/** Parses a formula in MonPoly's syntax; errors carry the line and column of the offending token. */
export function parseFormula(text: string): Formula {
  return new FormulaParser(tokenize(text, 'formula')).parseAll();
}

class FormulaParser {
  private at = 0;
  private depth = 0;
  private anonymous = 0;
  private furthest: PolicySyntaxError | null = null;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): Formula {
    const f = this.formula(0);
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, `unexpected ${describe(t)} after a complete formula`);
    return f;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.at++;
    return t;
  }

  private is(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return (t.kind === 'symbol' || t.kind === 'ident') && t.text === text;
  }

  private expect(text: string, what: string): Token {
    const t = this.peek();
    if (!this.is(text)) this.fail(t, `expected ${what}, found ${describe(t)}`);
    return this.next();
  }

  private fail(t: Token, reason: string): never {
    const error = new PolicySyntaxError('formula', t.pos, reason);
    if (this.furthest === null || after(t.pos, this.furthest.position)) this.furthest = error;
    throw error;
  }

  private formula(minBp: number): Formula {
    this.enter();
    try {
      return this.binary(minBp);
    } finally {
      this.depth--;
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(this.peek(), `the formula is nested more than ${MAX_DEPTH} levels deep`);
  }

  /** A chain `a AND b AND c` nests to the left: each link counts as a level of depth. */
  private binary(minBp: number): Formula {
    const depth = this.depth;
    try {
      return this.chain(minBp);
    } finally {
      this.depth = depth;
    }
  }

  private chain(minBp: number): Formula {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      const op = t.kind === 'ident' ? BINARY[t.text] : undefined;
      if (op === undefined || op.bp <= minBp) return left;
      this.enter();
      this.next();
      if (op.kind === 'since' || op.kind === 'until') {
        const interval = this.optionalInterval();
        const right = this.formula(op.rightBp);
        left = { kind: op.kind, interval, left, right, pos: t.pos };
      } else {
        const right = this.formula(op.rightBp);
        left = { kind: op.kind, left, right, pos: t.pos };
      }
    }
  }

  private prefix(): Formula {
    const t = this.peek();
    if (t.kind === 'ident') {
      if (t.text === 'NOT') {
        this.next();
        return { kind: 'not', arg: this.formula(NOT_BP), pos: t.pos };
      }
      if (t.text === 'EXISTS' || t.text === 'FORALL') {
        this.next();
        const vars = this.variables();
        if (vars.length === 0) this.fail(this.peek(), `${t.text} needs at least one variable`);
        this.expect('.', `'.' after the variables of ${t.text}`);
        const arg = this.formula(PREFIX_BODY_BP);
        return { kind: t.text === 'EXISTS' ? 'exists' : 'forall', vars, arg, pos: t.pos };
      }
      const temporal = TEMPORAL[t.text];
      if (temporal !== undefined) {
        this.next();
        const interval = this.optionalInterval();
        const arg = this.formula(PREFIX_BODY_BP);
        return { kind: 'temporal', op: temporal, interval, arg, pos: t.pos };
      }
      if (t.text === 'TRUE' || t.text === 'FALSE') {
        this.next();
        return { kind: 'bool', value: t.text === 'TRUE', pos: t.pos };
      }
      if (UNSUPPORTED.has(t.text)) this.fail(t, `${t.text} is not supported`);
      if (this.is('<-', 1)) return this.aggregation();
      if (this.is('(', 1) && !FUNCTIONS.has(t.text)) {
        if (KEYWORDS.has(t.text)) this.fail(t, `unexpected ${describe(t)}`);
        return this.predicate();
      }
    }
    if (this.is('(')) {
      const start = this.at;
      try {
        this.next();
        const inner = this.formula(0);
        this.expect(')', "')'");
        return inner;
      } catch (formulaError) {
        if (!(formulaError instanceof PolicySyntaxError)) throw formulaError;
        this.at = start;
        try {
          return this.comparison();
        } catch (termError) {
          if (!(termError instanceof PolicySyntaxError)) throw termError;
          throw this.furthest ?? termError;
        }
      }
    }
    return this.comparison();
  }

  private comparison(): Formula {
    const left = this.term();
    const t = this.peek();
    const ops: Readonly<Record<string, true>> = { '=': true, '<': true, '<=': true, '>': true, '>=': true };
    if (t.kind !== 'symbol' || ops[t.text] !== true) {
      if (t.kind === 'ident' && (t.text === 'MATCHES' || t.text === 'SUBSTRING')) this.fail(t, `${t.text} is not supported`);
      this.fail(t, `expected a formula (an atom, a comparison or an operator), found ${describe(t)}`);
    }
    this.next();
    const right = this.term();
    switch (t.text) {
      case '=':
        return { kind: 'cmp', op: '=', left, right, pos: t.pos };
      case '<':
        return { kind: 'cmp', op: '<', left, right, pos: t.pos };
      case '<=':
        return { kind: 'cmp', op: '<=', left, right, pos: t.pos };
      case '>':
        return { kind: 'cmp', op: '<', left: right, right: left, pos: t.pos };
      default:
        return { kind: 'cmp', op: '<=', left: right, right: left, pos: t.pos };
    }
  }

  private predicate(): Formula {
    const name = this.next();
    this.expect('(', "'('");
    const args: Term[] = [];
    const anonymous: string[] = [];
    if (!this.is(')')) {
      for (;;) {
        let arg = this.term();
        if (arg.kind === 'var' && arg.name === '_') {
          arg = { ...arg, name: `_${++this.anonymous}` };
          anonymous.push(arg.name);
        }
        args.push(arg);
        if (!this.is(',')) break;
        this.next();
      }
    }
    this.expect(')', `',' or ')' in the arguments of ${name.text}`);
    const pred: Formula = { kind: 'pred', name: name.text, args, pos: name.pos };
    return anonymous.length > 0 ? { kind: 'exists', vars: anonymous, arg: pred, pos: name.pos } : pred;
  }

  private aggregation(): Formula {
    const result = this.next();
    this.expect('<-', "'<-'");
    const op = this.next();
    if (op.kind !== 'ident' || !AGGREGATIONS.has(op.text)) this.fail(op, `expected an aggregation (CNT, SUM, MIN, MAX, AVG, MED), found ${describe(op)}`);
    const variable = this.variable();
    let groupBy: string[] = [];
    if (this.is(';')) {
      this.next();
      groupBy = this.groupVariables();
    }
    const arg = this.formula(0);
    return { kind: 'aggregation', result: result.text, op: op.text as AggregationOperator, variable, groupBy, arg, pos: result.pos };
  }

  /** Group-by variables end where the aggregated formula starts (a predicate's `(`, a keyword, a parenthesis). */
  private groupVariables(): string[] {
    const vars: string[] = [];
    const t = this.peek();
    if (t.kind !== 'ident' || KEYWORDS.has(t.text) || this.is('(', 1) || this.is('<-', 1)) return vars;
    vars.push(this.variable());
    while (this.is(',')) {
      this.next();
      vars.push(this.variable());
    }
    return vars;
  }

  private variables(): string[] {
    const vars: string[] = [];
    if (this.peek().kind !== 'ident') return vars;
    vars.push(this.variable());
    while (this.is(',')) {
      this.next();
      vars.push(this.variable());
    }
    return vars;
  }

  private variable(): string {
    const t = this.next();
    if (t.kind !== 'ident' || KEYWORDS.has(t.text) || FUNCTIONS.has(t.text)) this.fail(t, `expected a variable, found ${describe(t)}`);
    return t.text;
  }

  private optionalInterval(): Interval {
    const t = this.peek();
    const opens = this.is('[') || (this.is('(') && (this.peek(1).kind === 'int' || this.peek(1).kind === 'unit') && this.is(',', 2));
    if (!opens) return { lo: 0, hi: null };
    this.next();
    const lo = this.bound(false) as number;
    this.expect(',', "',' in the interval");
    const hi = this.bound(true);
    const close = this.peek();
    if (!this.is(']') && !this.is(')')) this.fail(close, `expected ']' or ')' closing the interval, found ${describe(close)}`);
    this.next();
    const loClosed = t.text === '[';
    const hiClosed = close.text === ']';
    const normalLo = loClosed ? lo : lo + 1;
    const normalHi = hi === null ? null : hiClosed ? hi : hi - 1;
    if (normalHi !== null && normalHi < normalLo) this.fail(t, 'the interval is empty');
    return { lo: normalLo, hi: normalHi };
  }

  private bound(upper: boolean): number | null {
    const t = this.next();
    if (upper && t.kind === 'symbol' && t.text === '*') return null;
    let value: number;
    if (t.kind === 'int') value = Number(t.text);
    else if (t.kind === 'unit') value = Number(t.text.slice(0, -1)) * (UNIT_SECONDS[t.text.slice(-1)] as number);
    else return this.fail(t, `expected an interval bound (an integer, optionally with a unit s m h d${upper ? ", or '*'" : ''}), found ${describe(t)}`);
    if (!Number.isSafeInteger(value)) this.fail(t, 'the interval bound is too large');
    return value;
  }

  private term(): Term {
    const depth = this.depth;
    this.enter();
    try {
      return this.additive();
    } finally {
      this.depth = depth;
    }
  }

  private additive(): Term {
    let left = this.multiplicative();
    while (this.is('+') || this.is('-')) {
      this.enter();
      const op = this.next();
      const right = this.multiplicative();
      left = { kind: 'binary', op: op.text === '+' ? '+' : '-', left, right, pos: op.pos };
    }
    return left;
  }

  private multiplicative(): Term {
    let left = this.unary();
    while (this.is('*') || this.is('/') || this.is('MOD')) {
      this.enter();
      const op = this.next();
      const right = this.unary();
      left = { kind: 'binary', op: op.text === '*' ? '*' : op.text === '/' ? '/' : 'MOD', left, right, pos: op.pos };
    }
    return left;
  }

  private unary(): Term {
    const t = this.peek();
    if (this.is('-')) {
      this.next();
      this.enter();
      let arg: Term;
      try {
        arg = this.unary();
      } finally {
        this.depth--;
      }
      if (arg.kind === 'const' && typeof arg.value === 'number') return { ...arg, value: -arg.value, pos: t.pos };
      return { kind: 'unary', op: 'neg', arg, pos: t.pos };
    }
    if (t.kind === 'ident' && FUNCTIONS.has(t.text) && this.is('(', 1)) {
      this.next();
      this.next();
      const arg = this.term();
      this.expect(')', `')' closing ${t.text}(`);
      return { kind: 'unary', op: t.text as UnaryFunction, arg, pos: t.pos };
    }
    if (this.is('(')) {
      this.next();
      const inner = this.term();
      this.expect(')', "')'");
      return inner;
    }
    this.next();
    switch (t.kind) {
      case 'int': {
        const value = Number(t.text);
        if (!Number.isSafeInteger(value)) this.fail(t, `the integer ${t.text} is out of range (at most 2^53 - 1)`);
        return { kind: 'const', value, type: 'int', pos: t.pos };
      }
      case 'float': {
        const value = Number(t.text);
        if (!Number.isFinite(value)) this.fail(t, `the float ${t.text} is out of range (not a finite number)`);
        return { kind: 'const', value, type: 'float', pos: t.pos };
      }
      case 'string':
        return { kind: 'const', value: t.text, type: 'string', pos: t.pos };
      case 'ident':
        if (KEYWORDS.has(t.text)) this.fail(t, `unexpected ${describe(t)}`);
        return { kind: 'var', name: t.text, pos: t.pos };
      case 'unit':
      case 'symbol':
      case 'eof':
        return this.fail(t, `expected a term (a variable, a constant or an arithmetic expression), found ${describe(t)}`);
    }
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the formula';
    case 'string':
      return `the string "${t.text}"`;
    case 'ident':
      return KEYWORDS.has(t.text) ? `the keyword ${t.text}` : `'${t.text}'`;
    case 'int':
    case 'float':
    case 'unit':
    case 'symbol':
      return `'${t.text}'`;
  }
}

function after(a: SourcePosition, b: SourcePosition): boolean {
  return a.line > b.line || (a.line === b.line && a.column > b.column);
}
