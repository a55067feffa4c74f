import { parseDuration } from '../alerting/rules/duration';
import type { RawMap } from '../alerting/rules/raw';
import { ValidationError } from '../domain/errors';

/** Prometheus's query_range refuses more points than this; a simulated window is bounded the same way. */
export const MAX_TEST_STEPS = 11_000;

/** When a rule test evaluates: once, or at every step of a window (both ends inclusive). */
export type TestWindow =
  | { readonly kind: 'instant'; readonly atMs: number }
  | { readonly kind: 'range'; readonly startMs: number; readonly endMs: number; readonly stepMs?: number };

export const WINDOW_KEYS = ['time', 'start', 'end', 'step'] as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function time(body: RawMap, key: string): number | undefined {
  const value = body.get(key);
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new ValidationError(`"${key}" must be an RFC 3339 time such as 2026-01-02T03:04:05Z`);
  return ms;
}

/** The window of a test request's body: `time` (default `now`), or `start`, `end` and optionally `step`. */
export function parseTestWindow(body: RawMap, now: number): TestWindow {
  const at = time(body, 'time');
  const startMs = time(body, 'start');
  const endMs = time(body, 'end');
  const rawStep = body.get('step');
  const ranged = startMs !== undefined || endMs !== undefined || (rawStep !== undefined && rawStep !== null);
  if (!ranged) return { kind: 'instant', atMs: at ?? now };
  if (at !== undefined) throw new ValidationError('give either "time" or "start"/"end"/"step", not both');
  if (startMs === undefined || endMs === undefined) throw new ValidationError('a window needs both "start" and "end"');
  if (endMs < startMs) throw new ValidationError('"end" is before "start"');
  let stepMs: number | undefined;
  if (rawStep !== undefined && rawStep !== null) {
    const parsed = typeof rawStep === 'string' ? parseDuration(rawStep) : { error: 'must be a duration string such as "15s"' };
    if (typeof parsed !== 'number') throw new ValidationError(`"step": ${parsed.error}`);
    if (parsed <= 0) throw new ValidationError('"step" must be positive');
    stepMs = parsed;
  }
  return { kind: 'range', startMs, endMs, ...(stepMs === undefined ? {} : { stepMs }) };
}

/** The evaluation times of a window: start, start+step, ... up to end; a ValidationError past MAX_TEST_STEPS. */
export function windowTimes(startMs: number, endMs: number, stepMs: number): number[] {
  const count = Math.floor((endMs - startMs) / stepMs) + 1;
  if (count > MAX_TEST_STEPS) {
    throw new ValidationError(`the window has ${count} steps; at most ${MAX_TEST_STEPS} (use a larger "step" or a shorter window)`);
  }
  return Array.from({ length: count }, (_, i) => startMs + i * stepMs);
}

/** The body without the window's keys: what is left is the rule (for an unsaved rule). */
export function withoutWindow(body: RawMap): RawMap {
  return new Map([...body].filter(([key]) => !(WINDOW_KEYS as readonly string[]).includes(key)));
}
