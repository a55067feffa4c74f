/**
 * Go's regexp as label_replace() uses it: RE2 syntax through re2js, refusing what Go 1.19 refuses and
 * re2js accepts (`(?<name>...)` groups came with Go 1.22), and Regexp.ExpandString for `$1` / `${name}`.
 */
import { RE2JS } from 're2js';

export interface GoRegexp {
  /** The submatches of a match of the whole pattern anywhere in `text` (undefined: not matched), or null. */
  exec(text: string): { readonly groups: readonly (string | undefined)[]; readonly named: ReadonlyMap<string, string | undefined> } | null;
}

const cache = new Map<string, GoRegexp>();
const CACHE_LIMIT = 256;

/** Compiles `pattern` with Go's rules; throws on a pattern Go would refuse. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const cached = cache.get(pattern);
  if (cached) {
    return cached;
  }
  if (hasAngleNamedGroup(pattern)) {
    throw new Error(`invalid named capture in ${pattern}`);
  }
  const re = RE2JS.compile(pattern);
  const compiled: GoRegexp = {
    exec(text) {
      const m = re.exec(text) as RegExpExecArray | null;
      if (m === null) {
        return null;
      }
      const named = new Map<string, string | undefined>(Object.entries(m.groups ?? {}));
      return { groups: [...m] as (string | undefined)[], named };
    },
  };
  if (cache.size >= CACHE_LIMIT) {
    cache.clear();
  }
  cache.set(pattern, compiled);
  return compiled;
}

/** Whether the pattern opens a group with `(?<` outside a character class and outside `\Q...\E`. */
function hasAngleNamedGroup(pattern: string): boolean {
  let i = 0;
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      i += 2;
      continue;
    }
    if (inClass) {
      if (pattern.startsWith('[:', i)) {
        const end = pattern.indexOf(':]', i + 2);
        if (end >= 0) {
          i = end + 2;
          continue;
        }
      }
      if (c === ']') {
        inClass = false;
      }
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      i++;
      // A `]` right after `[` or `[^` is a literal.
      if (pattern[i] === '^') {
        i++;
      }
      if (pattern[i] === ']') {
        i++;
      }
      continue;
    }
    if (pattern.startsWith('(?<', i)) {
      return true;
    }
    i++;
  }
  return false;
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Go's Regexp.ExpandString: `$$` is `$`, `$name`/`${name}` a group (number or name), malformed `$` literal. */
export function expandGoTemplate(template: string, match: NonNullable<ReturnType<GoRegexp['exec']>>): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) {
      break;
    }
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = extractReference(rest);
    if (ref === undefined) {
      out += '$';
      continue;
    }
    rest = ref.rest;
    if (ref.num >= 0) {
      out += match.groups[ref.num] ?? '';
    } else {
      out += match.named.get(ref.name) ?? '';
    }
  }
  return out + rest;
}

function extractReference(text: string): { name: string; num: number; rest: string } | undefined {
  let str = text;
  const brace = str.startsWith('{');
  if (brace) {
    str = str.slice(1);
  }
  let i = 0;
  for (const ch of str) {
    if (!NAME_CHAR.test(ch)) {
      break;
    }
    i += ch.length;
  }
  if (i === 0) {
    return undefined;
  }
  const name = str.slice(0, i);
  if (brace) {
    if (str[i] !== '}') {
      return undefined;
    }
    i++;
  }
  let num = 0;
  for (const ch of name) {
    if (ch < '0' || ch > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + Number(ch);
  }
  if (name.startsWith('0') && name.length > 1) {
    num = -1;
  }
  return { name, num, rest: str.slice(i) };
}
