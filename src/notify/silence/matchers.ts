/**
 * Silence matchers: Alertmanager API v2's matcher objects ({name, value, isRegex, isEqual}) to and from
 * the shared Matcher, compiled with RE2 (re2js) fully anchored as `^(?:re)$`, as Alertmanager's
 * labels.NewMatcher does. The matcher text syntax (`a=~"b"`, `{...}`) is parsed in src/notify/matchers-parse.ts;
 * `parseFilterMatcher` here is the one-matcher form the API's `filter` parameter takes (labels.ParseMatcher).
 */
import { PromqlError } from '../../alerting/promql/engine-api';
import { compileRegex } from '../../alerting/promql/matchers';
import type { CompiledMatcher, Matcher, MatchType } from '../matchers';

/** A matcher as Alertmanager's API v2 writes it. `isEqual` absent in a request means true. */
export interface ApiMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

export function matcherFromApi(m: ApiMatcher): Matcher {
  const type: MatchType = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return { name: m.name, type, value: m.value };
}

export function apiFromMatcher(m: Matcher): ApiMatcher {
  return { name: m.name, value: m.value, isRegex: m.type === '=~' || m.type === '!~', isEqual: m.type === '=' || m.type === '=~' };
}

/** A regex that RE2 refuses: Go's message (`error parsing regexp: ...`). */
export class InvalidRegexError extends Error {}

function anchored(source: string): (value: string) => boolean {
  try {
    const re = compileRegex(source);
    return (value) => re.testExact(value);
  } catch (err) {
    if (err instanceof PromqlError) throw new InvalidRegexError(err.message);
    throw err;
  }
}

/** Compiles one matcher; InvalidRegexError when its regex is not RE2. */
export function compileMatcher(m: Matcher): CompiledMatcher {
  switch (m.type) {
    case '=':
      return { ...m, matches: (value) => value === m.value };
    case '!=':
      return { ...m, matches: (value) => value !== m.value };
    case '=~': {
      const test = anchored(m.value);
      return { ...m, matches: test };
    }
    case '!~': {
      const test = anchored(m.value);
      return { ...m, matches: (value) => !test(value) };
    }
  }
}

export function compileMatchers(matchers: readonly Matcher[]): CompiledMatcher[] {
  return matchers.map(compileMatcher);
}

/** Alertmanager 0.25's label name (model.LabelName.IsValid): `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isValidLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/** Alertmanager's matcher text of one matcher: `name="value"` with Go-quoted value, as amtool prints it. */
export function matcherText(m: Matcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}

const FILTER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** A `filter` that Alertmanager refuses: its message (`bad matcher format: ...`). */
export class FilterError extends Error {}

/**
 * One matcher in Alertmanager 0.25's labels.ParseMatcher syntax (`a=b`, `a="b"`, `a=~"x.*"`): the value
 * optionally double-quoted, `\"`, `\\` and `\n` unescaped, any other backslash literal.
 */
export function parseFilterMatcher(text: string): CompiledMatcher {
  const parts = FILTER.exec(text);
  if (parts === null) throw new FilterError(`bad matcher format: ${text}`);
  const [, name = '', type = '=', raw = ''] = parts;
  let rawValue = raw;
  let expectTrailingQuote = false;
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  const chars = [...rawValue];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (escaped) {
      escaped = false;
      if (ch === 'n') value += '\n';
      else if (ch === '"' || ch === '\\') value += ch;
      else value += `\\${ch}`;
      continue;
    }
    if (ch === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (ch === '"') {
      if (!expectTrailingQuote || i < chars.length - 1) throw new FilterError(`matcher value contains unescaped double quote: ${raw}`);
      expectTrailingQuote = false;
    } else {
      value += ch;
    }
  }
  if (expectTrailingQuote) throw new FilterError(`matcher value contains unescaped double quote: ${raw}`);
  try {
    return compileMatcher({ name, type: type as MatchType, value });
  } catch (err) {
    if (err instanceof InvalidRegexError) throw new FilterError(err.message);
    throw err;
  }
}
