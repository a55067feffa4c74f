import type { Formula, Term } from './ast';
import { PolicyTypeError } from './errors';
import type { Signature } from './signature';
import type { ValueType } from './values';

/**
 * Infers each variable's type from the signature (atoms), constants and operators, to a fixpoint, and refuses
 * inconsistent uses: a variable both int and string, arithmetic mixing int and float, an unknown predicate.
 * Expects bound variables renamed apart (renameBound), so one name is one variable.
 */
export function inferTypes(f: Formula, signature: Signature): Map<string, ValueType> {
  const types = new Map<string, ValueType>();
  let changed = true;
  const assign = (name: string, type: ValueType, at: Term | Formula): void => {
    const known = types.get(name);
    if (known === undefined) {
      types.set(name, type);
      changed = true;
    } else if (known !== type) {
      throw new PolicyTypeError(at.pos, `the variable ${display(name)} is used both as ${known} and as ${type}`);
    }
  };
  const termType = (t: Term): ValueType | undefined => {
    switch (t.kind) {
      case 'var':
        return types.get(t.name);
      case 'const':
        return t.type;
      case 'unary': {
        const [from, to] = CONVERSIONS[t.op] ?? [undefined, undefined];
        if (from === undefined) {
          const inner = termType(t.arg);
          if (inner === 'string') throw new PolicyTypeError(t.pos, 'unary minus needs an int or a float');
          return inner;
        }
        expect(t.arg, from);
        return to;
      }
      case 'binary': {
        const l = termType(t.left);
        const r = termType(t.right);
        const type = isIntLiteral(t.left) ? (r ?? l) : (l ?? r);
        if (type === undefined) return undefined;
        if (type === 'string') throw new PolicyTypeError(t.pos, `${t.op} needs ints or floats, not strings`);
        if (t.op === 'MOD' && type !== 'int') throw new PolicyTypeError(t.pos, 'MOD needs ints');
        expect(t.left, type);
        expect(t.right, type);
        return type;
      }
    }
  };
  const expect = (t: Term, type: ValueType): void => {
    if (t.kind === 'var') return assign(t.name, type, t);
    if (type === 'float' && isIntLiteral(t)) return;
    const actual = termType(t);
    if (actual !== undefined && actual !== type) throw new PolicyTypeError(t.pos, `expected ${type}, found ${actual}`);
    if (t.kind === 'binary') {
      expect(t.left, type);
      expect(t.right, type);
    }
    if (t.kind === 'unary' && t.op === 'neg') expect(t.arg, type);
  };
  const walk = (g: Formula): void => {
    switch (g.kind) {
      case 'pred': {
        const p = signature.get(g.name);
        if (p === undefined) throw new PolicyTypeError(g.pos, `the predicate ${g.name} is not in the signature`);
        if (p.types.length !== g.args.length) {
          throw new PolicyTypeError(g.pos, `${g.name} takes ${p.types.length} argument(s), the formula gives ${g.args.length}`);
        }
        g.args.forEach((a, i) => expect(a, p.types[i] as ValueType));
        return;
      }
      case 'bool':
        return;
      case 'cmp': {
        const l = termType(g.left);
        const r = termType(g.right);
        // An int literal against a float term is read as a float (`v > 3` for a float v).
        const type = isIntLiteral(g.left) ? (r ?? l) : (l ?? r);
        if (type !== undefined) {
          expect(g.left, type);
          expect(g.right, type);
        }
        return;
      }
      case 'not':
      case 'temporal':
      case 'exists':
      case 'forall':
        return walk(g.arg);
      case 'and':
      case 'or':
      case 'implies':
      case 'equiv':
      case 'since':
      case 'until':
        walk(g.left);
        walk(g.right);
        return;
      case 'aggregation': {
        walk(g.arg);
        const x = types.get(g.variable);
        if (x === undefined) return;
        if (x === 'string' && g.op !== 'CNT' && g.op !== 'MIN' && g.op !== 'MAX') {
          throw new PolicyTypeError(g.pos, `${g.op} needs an int or float variable; ${display(g.variable)} is a string`);
        }
        assign(g.result, g.op === 'CNT' ? 'int' : g.op === 'AVG' || g.op === 'MED' ? 'float' : x, g);
        return;
      }
    }
  };
  while (changed) {
    changed = false;
    walk(f);
  }
  return types;
}

/** An int constant, which may also stand for the float of the same value. */
function isIntLiteral(t: Term): boolean {
  return (t.kind === 'const' && t.type === 'int') || (t.kind === 'unary' && t.op === 'neg' && isIntLiteral(t.arg));
}

const CONVERSIONS: Readonly<Partial<Record<string, [ValueType, ValueType]>>> = {
  i2f: ['int', 'float'],
  f2i: ['float', 'int'],
  i2s: ['int', 'string'],
  s2i: ['string', 'int'],
  f2s: ['float', 'string'],
  s2f: ['string', 'float'],
};

/** A variable's name as the user wrote it (renamed bound variables carry a `#n` suffix). */
export function display(name: string): string {
  const hash = name.indexOf('#');
  return hash < 0 ? name : name.slice(0, hash);
}

export function typeOfTerm(t: Term, types: ReadonlyMap<string, ValueType>): ValueType {
  switch (t.kind) {
    case 'var':
      return types.get(t.name) ?? 'int';
    case 'const':
      return t.type;
    case 'unary':
      return CONVERSIONS[t.op]?.[1] ?? typeOfTerm(t.arg, types);
    case 'binary': {
      const l = typeOfTerm(t.left, types);
      return l === 'float' || typeOfTerm(t.right, types) === 'float' ? 'float' : l;
    }
  }
}
