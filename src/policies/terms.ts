import type { ArithmeticOperator, ComparisonOperator, Term } from './ast';
import { formatFloat } from './float-format';
import { convertArgument } from './log-parser';
import { typeOfTerm } from './typing';
import { compareValues, type Tuple, type Value, type ValueType } from './values';

/** A term compiled against a tuple layout; undefined when the value does not exist (division by zero, bad s2i). */
export type CompiledTerm = (t: Tuple) => Value | undefined;

export function compileTerm(term: Term, columns: readonly string[], types: ReadonlyMap<string, ValueType>): CompiledTerm {
  switch (term.kind) {
    case 'var': {
      const i = columns.indexOf(term.name);
      if (i < 0) throw new Error(`variable ${term.name} is not a column`);
      return (t) => t[i];
    }
    case 'const': {
      const v = term.value;
      return () => v;
    }
    case 'unary': {
      const arg = compileTerm(term.arg, columns, types);
      const op = UNARY[term.op] as (v: Value) => Value | undefined;
      return (t) => {
        const v = arg(t);
        return v === undefined ? undefined : op(v);
      };
    }
    case 'binary': {
      const l = compileTerm(term.left, columns, types);
      const r = compileTerm(term.right, columns, types);
      const int = typeOfTerm(term, types) === 'int';
      const op = term.op;
      return (t) => {
        const a = l(t) as number | undefined;
        const b = r(t) as number | undefined;
        if (a === undefined || b === undefined) return undefined;
        return representable(int, arithmetic(op, int, a, b));
      };
    }
  }
}

function arithmetic(op: ArithmeticOperator, int: boolean, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (int) return b === 0 ? undefined : Math.trunc(a / b);
      return a / b;
    case 'MOD':
      return b === 0 ? undefined : a % b;
  }
}

/**
 * A result the value domain has no room for does not exist, as a division by zero: an int past ±(2^53 − 1) (it
 * would be a rounded float printed as an int) or a float that is not finite (inf, nan: JSON, and so the stored
 * verdicts and the monitor's snapshot, cannot hold them). docs/policies.md, "Not supported yet".
 */
function representable(int: boolean, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (int) return Number.isSafeInteger(value) ? value : undefined;
  return Number.isFinite(value) ? value : undefined;
}

const UNARY: Readonly<Record<string, (v: Value) => Value | undefined>> = {
  neg: (v) => -(v as number),
  i2f: (v) => v,
  f2i: (v) => representable(true, Math.trunc(v as number)),
  i2s: (v) => String(v),
  f2s: (v) => formatFloat(v as number),
  s2i: (v) => {
    const n = convertArgument(v as string, 'int');
    return Array.isArray(n) ? undefined : n;
  },
  s2f: (v) => {
    const n = convertArgument(v as string, 'float');
    return Array.isArray(n) ? undefined : n;
  },
};

export function compare(op: ComparisonOperator, a: Value, b: Value): boolean {
  const c = compareValues(a, b);
  switch (op) {
    case '=':
      return c === 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
  }
}
