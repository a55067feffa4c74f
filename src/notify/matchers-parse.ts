/**
 * Alertmanager's matcher syntax (pkg/labels/parse.go, 0.25): `name="value"`, `name=~"re"`, lists such as
 * `{a="b", c=~"d"}`, OpenMetrics escapes in values; and the compiled form (regexes fully anchored, RE2 as
 * Go's regexp, through the PromQL module's compileRegex).
 */
import { compileRegex } from '../alerting/promql/matchers';
import type { CompiledMatcher, Matcher, MatchType } from './matchers';

/** A matcher the syntax refuses; the message is Alertmanager's. */
export class MatcherSyntaxError extends Error {
  override readonly name = 'MatcherSyntaxError';
}

// Go's \s is [\t\n\f\r ]; `(?s).*?` is the lazy "anything" of the value.
const MATCHER_RE = /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}

/** Alertmanager's ParseMatchers: a comma-separated list, optional braces, commas inside quotes kept. */
export function parseMatchers(text: string): CompiledMatcher[] {
  let s = text.startsWith('{') ? text.slice(1) : text;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  for (const r of s) {
    if (r === ',') {
      if (!insideQuotes) {
        tokens.push(token);
        token = '';
        continue;
      }
    } else if (r === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (r === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += r;
  }
  const last = token.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, '');
  if (last !== '') tokens.push(last);
  return tokens.map(parseMatcher);
}

/** Alertmanager's ParseMatcher: one `name op value`, the value optionally quoted. */
export function parseMatcher(text: string): CompiledMatcher {
  const ms = MATCHER_RE.exec(text);
  if (ms === null) throw new MatcherSyntaxError(`bad matcher format: ${text}`);
  const name = ms[1] ?? '';
  const type = (ms[2] ?? '=') as MatchType;
  const quoted = ms[3] ?? '';
  let raw = quoted;
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const r = chars[i] ?? '';
    const isLast = i === chars.length - 1;
    if (escaped) {
      escaped = false;
      if (r === 'n') value += '\n';
      else if (r === '"' || r === '\\') value += r;
      else value += `\\${r}`;
      continue;
    }
    if (r === '\\') {
      if (!isLast) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (r === '"') {
      if (!expectTrailingQuote || !isLast) throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${quoted}`);
      expectTrailingQuote = false;
    } else {
      value += r;
    }
  }
  if (expectTrailingQuote) throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${quoted}`);
  return compileMatcher({ name, type, value });
}

/** Builds the predicate (regexes anchored `^(?:re)$`); MatcherSyntaxError with Go's message for a bad regex. */
export function compileMatcher(matcher: Matcher): CompiledMatcher {
  const { name, type, value } = matcher;
  let matches: (v: string) => boolean;
  if (type === '=') matches = (v) => v === value;
  else if (type === '!=') matches = (v) => v !== value;
  else {
    let re;
    try {
      re = compileRegex(value);
    } catch (error) {
      throw new MatcherSyntaxError(error instanceof Error ? error.message : String(error));
    }
    matches = type === '=~' ? (v) => re.testExact(v) : (v) => !re.testExact(v);
  }
  return { name, type, value, matches };
}

function openMetricsEscape(value: string): string {
  return value.replace(/[\\\n"]/g, (ch) => (ch === '\n' ? '\\n' : `\\${ch}`));
}

/** Alertmanager's Matcher.String(): `name="value"` with OpenMetrics escapes. */
export function formatMatcher(matcher: Matcher): string {
  return `${matcher.name}${matcher.type}"${openMetricsEscape(matcher.value)}"`;
}

/** Alertmanager's Matchers.String(): `{a="b",c=~"d"}`. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map(formatMatcher).join(',')}}`;
}

const TYPE_ORDER: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** Alertmanager's Matchers sort order (name, then value, then type), as Go compares strings: by bytes. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  const byName = compareGoStrings(a.name, b.name);
  if (byName !== 0) return byName;
  const byValue = compareGoStrings(a.value, b.value);
  if (byValue !== 0) return byValue;
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

/** Go's string comparison: by UTF-8 bytes (code point order, which UTF-16 order is not beyond the BMP). */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

/**
 * amtool's label arguments (`a=b`, `c="x,y"`; each string may hold several, comma-separated): equality
 * matchers only, the last value of a repeated name wins.
 */
export function parseLabelArguments(args: readonly string[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const arg of args) {
    for (const matcher of parseMatchers(arg)) {
      if (matcher.type !== '=') throw new MatcherSyntaxError('labels must be specified as key=value pairs');
      labels.set(matcher.name, matcher.value);
    }
  }
  return labels;
}
