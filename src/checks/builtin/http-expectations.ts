import { RE2JS } from 're2js';

/** Success when a check gives no status list: what a browser would not call an error. */
const DEFAULT_LOW = 200;
const DEFAULT_HIGH = 399;

/** Whether `status` is one the check expects (an empty list: 200-399). */
export function statusAccepted(status: number, expected: readonly number[]): boolean {
  return expected.length === 0 ? status >= DEFAULT_LOW && status <= DEFAULT_HIGH : expected.includes(status);
}

/** The expected statuses, runs written as ranges: `200-299, 304`. */
export function describeStatuses(expected: readonly number[]): string {
  if (expected.length === 0) return `${DEFAULT_LOW}-${DEFAULT_HIGH}`;
  const sorted = [...new Set(expected)].sort((a, b) => a - b);
  const runs: string[] = [];
  let first = sorted[0] as number;
  let last = first;
  for (const code of [...sorted.slice(1), Number.NaN]) {
    if (code === last + 1) {
      last = code;
      continue;
    }
    runs.push(first === last ? String(first) : `${first}-${last}`);
    first = code;
    last = code;
  }
  return runs.join(', ');
}

/** A body test: a substring, or an RE2 regex found anywhere in the body (linear time, whatever the pattern). */
export function bodyMatcher(pattern: string, regex: boolean): (body: string) => boolean {
  if (!regex) return (body) => body.includes(pattern);
  const compiled = RE2JS.compile(pattern);
  return (body) => compiled.matcher(body).find();
}

/** A pattern or a body excerpt as a message quotes it: JSON, at most 40 characters of it. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
