/**
 * Label matchers with Prometheus's semantics: regexes are RE2 (Go's regexp, through re2js), fully
 * anchored as `^(?:re)$`; a label the series lacks matches as the empty string.
 */
import { RE2JS } from 're2js';
import type { LabelMatcher } from './ast';
import { PromqlError } from './engine-api';
import type { Labels } from './values';

const CACHE_LIMIT = 1000;
/** Compiled anchored regexes by source, oldest first (a Map keeps insertion order): bounded LRU. */
const regexCache = new Map<string, RE2JS>();

/** Where the groups of a regex open: each `(` outside escapes and character classes. */
function groupOpenings(source: string): number[] {
  const out: number[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++; // a leading ] is a literal
    } else if (ch === '(') {
      out.push(i);
    }
  }
  return out;
}

/** Go 1.19's regexp (Prometheus 2.42's) has no `(?<name>...)`, which re2js accepts. */
function hasAngleNamedGroup(source: string): boolean {
  return groupOpenings(source).some((i) => source.startsWith('?<', i + 1) && !/[=!]/.test(source[i + 3] ?? ''));
}

/** The regex with `(?P<name>` groups made plain: names do not change what matches. */
function withoutGroupNames(source: string): string {
  let out = '';
  let last = 0;
  for (const i of groupOpenings(source)) {
    const named = /^\(\?P<\w+>/.exec(source.slice(i));
    if (named !== null) {
      out += `${source.slice(last, i)}(`;
      last = i + named[0].length;
    }
  }
  return out + source.slice(last);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : `error parsing regexp: ${String(err)}`;
}

/**
 * Checks the regex alone first, as Prometheus 2.42 does (so that `a)|(b` is an error, not `^(?:a)|(b)$`),
 * with Go 1.19's syntax: no `(?<name>`, duplicate group names allowed.
 */
function validSource(source: string): string {
  if (hasAngleNamedGroup(source)) {
    throw new PromqlError('bad_data', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`');
  }
  try {
    RE2JS.compile(source);
    return source;
  } catch (err) {
    const message = errorMessage(err);
    if (message.includes('duplicate capture group name')) return withoutGroupNames(source);
    throw new PromqlError('bad_data', message);
  }
}

/** Compiles an anchored RE2 regex; bad_data with Go's message when it is invalid. */
export function compileRegex(source: string): RE2JS {
  const cached = regexCache.get(source);
  if (cached !== undefined) {
    regexCache.delete(source);
    regexCache.set(source, cached);
    return cached;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(`^(?:${validSource(source)})$`);
  } catch (err) {
    if (err instanceof PromqlError) throw err;
    throw new PromqlError('bad_data', errorMessage(err));
  }
  regexCache.set(source, compiled);
  if (regexCache.size > CACHE_LIMIT) {
    const oldest = regexCache.keys().next();
    if (oldest.done !== true) regexCache.delete(oldest.value);
  }
  return compiled;
}

const compiledMatchers = new WeakMap<LabelMatcher, (value: string) => boolean>();

/** A predicate on one label's value (the empty string when the series lacks the label). */
export function compileMatcher(m: LabelMatcher): (value: string) => boolean {
  let predicate = compiledMatchers.get(m);
  if (predicate === undefined) {
    predicate = buildPredicate(m);
    compiledMatchers.set(m, predicate);
  }
  return predicate;
}

function buildPredicate(m: LabelMatcher): (value: string) => boolean {
  switch (m.type) {
    case '=':
      return (value) => value === m.value;
    case '!=':
      return (value) => value !== m.value;
    case '=~': {
      const re = compileRegex(m.value);
      return (value) => re.testExact(value);
    }
    case '!~': {
      const re = compileRegex(m.value);
      return (value) => !re.testExact(value);
    }
  }
}

/** Whether a series with these labels is selected by every matcher. */
export function matchesSeries(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  return matchers.every((m) => compileMatcher(m)(labels.get(m.name) ?? ''));
}
