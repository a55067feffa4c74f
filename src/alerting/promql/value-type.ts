/** The static type of a PromQL expression, as Prometheus's parser computes it for its checks. */
import type { Expr, ValueType } from './ast';
import { FUNCTION_SIGNATURES } from './functions/signatures';

export function typeOf(expr: Expr): ValueType {
  switch (expr.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
    case 'Aggregate':
      return 'vector';
    case 'MatrixSelector':
    case 'Subquery':
      return 'matrix';
    case 'Paren':
    case 'Unary':
      return typeOf(expr.expr);
    case 'Binary':
      return typeOf(expr.lhs) === 'scalar' && typeOf(expr.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return FUNCTION_SIGNATURES.get(expr.func)?.returnType ?? 'vector';
  }
}

/** Prometheus's DocumentedType: the names its error messages use. */
export function documentedType(type: ValueType): string {
  switch (type) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    case 'scalar':
    case 'string':
      return type;
  }
}
