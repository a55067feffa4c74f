import fs from 'node:fs';
import path from 'node:path';
import type { TemplateSource } from '../../notify/config/model';

/** A glob segment (`*`, `?`, `[...]`, as Go's filepath.Match) as an anchored RegExp. */
function segmentRegex(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] ?? '';
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) throw new Error(`syntax error in pattern ${JSON.stringify(segment)}`);
      const body = segment.slice(i + 1, end).replace(/^\^/, '!');
      out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else if (ch === '\\') {
      out += (segment[i + 1] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    } else out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function expand(pattern: string): string[] {
  const absolute = path.isAbsolute(pattern);
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let current = [absolute ? '/' : ''];
  for (const segment of segments.slice(absolute ? 1 : 0)) {
    const next: string[] = [];
    for (const base of current) {
      if (!/[*?[\\]/.test(segment)) {
        const candidate = path.join(base, segment);
        if (fs.existsSync(candidate)) next.push(candidate);
        continue;
      }
      const re = segmentRegex(segment);
      let names: string[];
      try {
        names = fs.readdirSync(base === '' ? '.' : base);
      } catch {
        names = [];
      }
      for (const name of names.sort()) if (re.test(name)) next.push(path.join(base, name));
    }
    current = next;
  }
  return current.filter((file) => file !== '' && fs.statSync(file).isFile());
}

/**
 * Alertmanager's `templates:` loading: each pattern a glob (filepath.Glob), relative to the configuration
 * file's folder; a pattern matching nothing is no error; files read in pattern order, then name order.
 */
export function templateLoader(baseDir: string): (patterns: readonly string[]) => TemplateSource[] {
  return (patterns) => {
    const out: TemplateSource[] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      const resolved = path.isAbsolute(pattern) ? pattern : path.join(baseDir, pattern);
      for (const file of expand(resolved)) {
        if (seen.has(file)) continue;
        seen.add(file);
        out.push({ path: file, text: fs.readFileSync(file, 'utf8') });
      }
    }
    return out;
  };
}
