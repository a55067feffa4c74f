/** absent and absent_over_time: 1 with the labels the selector pins down, when the argument selects nothing. */
import type { Expr } from '../ast';
import type { Labels, Vector } from '../values';
import { rangeArg, vectorArg } from './args';
import type { FunctionImpl, FunctionInput } from './function-api';
import { labelsOf, METRIC_NAME } from './label-set';

/**
 * Prometheus's createLabelsForAbsentFunction: the equality matchers' labels, except `__name__`; a label
 * named by another matcher, or by a second equality matcher, is left out (historic behaviour).
 */
export function absentLabels(expr: Expr | undefined): Labels {
  let node = expr;
  while (node?.type === 'Paren') {
    node = node.expr;
  }
  const selector = node?.type === 'VectorSelector' ? node : node?.type === 'MatrixSelector' ? node.vector : undefined;
  if (selector === undefined) {
    return new Map();
  }
  const labels = new Map<string, string>();
  const has = new Set<string>();
  for (const m of selector.matchers) {
    if (m.name === METRIC_NAME) {
      continue;
    }
    if (m.type === '=' && !has.has(m.name)) {
      labels.set(m.name, m.value);
      has.add(m.name);
    } else {
      labels.delete(m.name);
    }
  }
  return labelsOf(labels);
}

function presentOrAbsent(input: FunctionInput, present: boolean): Vector {
  if (present) {
    return { type: 'vector', samples: [] };
  }
  return { type: 'vector', samples: [{ labels: absentLabels(input.argExprs[0]), t: input.timeMs, v: 1 }] };
}

export const absent: FunctionImpl = (input) => presentOrAbsent(input, vectorArg(input, 0).length > 0);

// The range argument holds only series with a point in the window.
export const absentOverTime: FunctionImpl = (input) =>
  presentOrAbsent(
    input,
    rangeArg(input, 0).series.some((s) => s.points.length > 0),
  );
