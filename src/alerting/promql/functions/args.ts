/** Reading a function's evaluated arguments, with the types the parser has already checked. */
import { PromqlError } from '../engine-api';
import type { Labels, Point, VectorSample } from '../values';
import type { FunctionInput, RangeArgument } from './function-api';

function argument(input: FunctionInput, index: number): FunctionInput['args'][number] {
  const arg = input.args[index];
  if (arg === undefined) {
    throw new PromqlError('internal', `missing function argument ${index + 1}`);
  }
  return arg;
}

export function rangeArg(input: FunctionInput, index: number): RangeArgument {
  const arg = argument(input, index);
  if (arg.type !== 'range') {
    throw new PromqlError('internal', `function argument ${index + 1}: expected a range vector, got ${arg.type}`);
  }
  return arg;
}

export function vectorArg(input: FunctionInput, index: number): readonly VectorSample[] {
  const arg = argument(input, index);
  if (arg.type !== 'vector') {
    throw new PromqlError('internal', `function argument ${index + 1}: expected an instant vector, got ${arg.type}`);
  }
  return arg.samples;
}

export function scalarArg(input: FunctionInput, index: number): number {
  const arg = argument(input, index);
  if (arg.type !== 'scalar') {
    throw new PromqlError('internal', `function argument ${index + 1}: expected a scalar, got ${arg.type}`);
  }
  return arg.v;
}

export function stringArg(input: FunctionInput, index: number): string {
  const arg = argument(input, index);
  if (arg.type !== 'string') {
    throw new PromqlError('internal', `function argument ${index + 1}: expected a string, got ${arg.type}`);
  }
  return arg.v;
}

/** One series of a range argument as a per-series range function sees it. */
export interface SeriesWindow {
  readonly labels: Labels;
  readonly points: readonly Point[];
  readonly rangeStartMs: number;
  readonly rangeEndMs: number;
}

/** Go's time.Duration.Seconds() for a whole number of milliseconds. */
export function durationSeconds(ms: number): number {
  const whole = Math.trunc(ms / 1000);
  return whole + ((ms - whole * 1000) * 1e6) / 1e9;
}
