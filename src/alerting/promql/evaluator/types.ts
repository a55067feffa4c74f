/** The static type of an expression, as Prometheus's parser computes it (for the range-query check). */
import type { Expr, ValueType } from '../ast';
import { FUNCTION_SIGNATURES } from '../functions/signatures';

export function exprType(expr: Expr): ValueType {
  switch (expr.type) {
    case 'VectorSelector':
    case 'Aggregate':
      return 'vector';
    case 'MatrixSelector':
    case 'Subquery':
      return 'matrix';
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'Paren':
    case 'Unary':
      return exprType(expr.expr);
    case 'Binary':
      return exprType(expr.lhs) === 'scalar' && exprType(expr.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return FUNCTION_SIGNATURES.get(expr.func)?.returnType ?? 'vector';
  }
}
