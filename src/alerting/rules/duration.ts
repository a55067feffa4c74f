/**
 * Durations in rule files (`for`, `keep_firing_for`, `interval`): Prometheus's syntax, parsed by the PromQL
 * module's parser; here a refusal is a message for the rule file's problem list rather than an exception.
 */
import { PromqlError } from '../promql/engine-api';
import { parseDuration as parsePromDuration } from '../promql/duration';

export { formatDuration } from '../promql/duration';

/** Milliseconds, or a message saying what is wrong (Prometheus's wording). */
export function parseDuration(text: string): number | { readonly error: string } {
  try {
    return parsePromDuration(text);
  } catch (error) {
    if (error instanceof PromqlError) return { error: text === '' ? `not a valid duration string: ""` : error.message };
    throw error;
  }
}
