import type { Formula, Term } from './ast';

export function termVariables(t: Term, out: string[] = []): string[] {
  switch (t.kind) {
    case 'var':
      if (!out.includes(t.name)) out.push(t.name);
      return out;
    case 'const':
      return out;
    case 'unary':
      return termVariables(t.arg, out);
    case 'binary':
      termVariables(t.left, out);
      return termVariables(t.right, out);
  }
}

/** The free variables in order of first appearance, left to right: the columns of MonPoly's verdicts. */
export function freeVariables(f: Formula): string[] {
  const out: string[] = [];
  const add = (vs: readonly string[]): void => {
    for (const v of vs) if (!out.includes(v)) out.push(v);
  };
  switch (f.kind) {
    case 'pred':
      for (const a of f.args) add(termVariables(a));
      break;
    case 'bool':
      break;
    case 'cmp':
      add(termVariables(f.left));
      add(termVariables(f.right));
      break;
    case 'not':
    case 'temporal':
      add(freeVariables(f.arg));
      break;
    case 'and':
    case 'or':
    case 'implies':
    case 'equiv':
    case 'since':
    case 'until':
      add(freeVariables(f.left));
      add(freeVariables(f.right));
      break;
    case 'exists':
    case 'forall':
      add(freeVariables(f.arg).filter((v) => !f.vars.includes(v)));
      break;
    case 'aggregation':
      add([f.result, ...f.groupBy]);
      break;
  }
  return out;
}
