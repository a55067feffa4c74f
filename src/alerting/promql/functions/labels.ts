/** label_replace and label_join: they rewrite labels and keep the metric name. */
import { PromqlError } from '../engine-api';
import type { Vector } from '../values';
import { stringArg, vectorArg } from './args';
import type { FunctionImpl } from './function-api';
import { compileGoRegexp, expandGoTemplate, type GoRegexp } from './go-regexp';
import { isValidLabelName, withLabel } from './label-set';

export const labelReplace: FunctionImpl = (input): Vector => {
  const dst = stringArg(input, 1);
  const replacement = stringArg(input, 2);
  const src = stringArg(input, 3);
  const regexText = stringArg(input, 4);
  // Checked at every call, even over an empty vector, as Prometheus does.
  let regex: GoRegexp;
  try {
    regex = compileGoRegexp(`^(?:${regexText})$`);
  } catch {
    throw new PromqlError('execution', `invalid regular expression in label_replace(): ${regexText}`);
  }
  if (!isValidLabelName(dst)) {
    throw new PromqlError('execution', `invalid destination label name in label_replace(): ${dst}`);
  }
  return {
    type: 'vector',
    samples: vectorArg(input, 0).map((s) => {
      const match = regex.exec(s.labels.get(src) ?? '');
      // No match: no replacement.
      const labels = match === null ? s.labels : withLabel(s.labels, dst, expandGoTemplate(replacement, match));
      return { labels, t: input.timeMs, v: s.v };
    }),
  };
};

export const labelJoin: FunctionImpl = (input): Vector => {
  const dst = stringArg(input, 1);
  const separator = stringArg(input, 2);
  const srcLabels: string[] = [];
  for (let i = 3; i < input.args.length; i++) {
    const src = stringArg(input, i);
    if (!isValidLabelName(src)) {
      throw new PromqlError('execution', `invalid source label name in label_join(): ${src}`);
    }
    srcLabels.push(src);
  }
  if (!isValidLabelName(dst)) {
    throw new PromqlError('execution', `invalid destination label name in label_join(): ${dst}`);
  }
  return {
    type: 'vector',
    samples: vectorArg(input, 0).map((s) => {
      const joined = srcLabels.map((name) => s.labels.get(name) ?? '').join(separator);
      return { labels: withLabel(s.labels, dst, joined), t: input.timeMs, v: s.v };
    }),
  };
};
