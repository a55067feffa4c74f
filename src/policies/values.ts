import { formatFloat } from './float-format';

/** MonPoly's attribute types. */
export type ValueType = 'int' | 'string' | 'float';

/** An attribute value: ints and floats are JS numbers (the column's type says which), strings are strings. */
export type Value = number | string;
export type Tuple = readonly Value[];

const encoder = new TextEncoder();

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Bytewise (UTF-8) comparison, as OCaml compares strings. */
export function compareStrings(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** OCaml's structural order on tuples: column by column. */
export function compareTuples(a: Tuple, b: Tuple): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i] as Value, b[i] as Value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * The identity of a tuple inside a relation (columns are typed, so 1 and "1" never share a column). Strings carry
 * their length, numbers end with '|', so no two tuples of one arity share a key.
 */
export function tupleKey(t: Tuple): string {
  if (t.length === 1) {
    const v = t[0] as Value;
    return typeof v === 'string' ? `s${v}` : `n${v}`;
  }
  let key = '';
  for (let i = 0; i < t.length; i++) {
    const v = t[i] as Value;
    key += typeof v === 'string' ? `s${v.length}:${v}` : `n${v}|`;
  }
  return key;
}

/** MonPoly's printing of one value: strings in double quotes, ints in decimal, floats as C `%g`. */
export function formatValue(v: Value, type: ValueType): string {
  switch (type) {
    case 'string':
      return `"${String(v)}"`;
    case 'int':
      return String(v);
    case 'float':
      return formatFloat(v as number);
  }
}
