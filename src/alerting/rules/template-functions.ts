/**
 * The template functions of Prometheus 2.42's template/template.go that MyMONIT supports, with the same
 * output: humanize's SI prefixes, humanizeDuration's "1d 2h 3m 4s", fmt's %.4g.
 */
import { formatE, formatF, formatG } from './go-format';

export type TemplateValue = { readonly type: 'string'; readonly value: string } | { readonly type: 'float' | 'int'; readonly value: number };

export class TemplateExecError extends Error {}

/** strconv.ParseFloat for the forms a label value carries (decimal, exponent, Inf, NaN, hex). */
function parseGoFloat(text: string): number {
  const t = text.replace(/_/g, '');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  if (/^[+-]?0x[0-9a-f]+$/i.test(t)) return t.startsWith('-') ? -Number(t.slice(1)) : Number(t.replace(/^\+/, ''));
  throw new TemplateExecError(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
}

export function toFloat(value: TemplateValue): number {
  return value.type === 'string' ? parseGoFloat(value.value) : value.value;
}

const BIG = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

function shrink(v: number): [number, string] {
  let prefix = '';
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return [v, prefix];
}

export function humanize(value: number): string {
  let v = value;
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of BIG) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return formatG(v, 4) + prefix;
  }
  const [scaled, prefix] = shrink(v);
  return formatG(scaled, 4) + prefix;
}

export function humanizeDuration(value: number): string {
  let v = value;
  if (!Number.isFinite(v)) return formatG(v, 4);
  if (v === 0) return `${formatG(v, 4)}s`;
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    // Go's int64(v): beyond 2^63 amd64 gives the minimum int64, and Prometheus prints what follows from it.
    const duration = v >= 2 ** 63 ? -(2n ** 63n) : BigInt(Math.trunc(v));
    const seconds = duration % 60n;
    const minutes = (duration / 60n) % 60n;
    const hours = (duration / 3600n) % 24n;
    const days = duration / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatG(v, 4)}s`;
  }
  const [scaled, prefix] = shrink(v);
  return `${formatG(scaled, 4)}${prefix}s`;
}

export function humanizePercentage(value: number): string {
  return `${formatG(value * 100, 4)}%`;
}

/** fmt's %v of a template value. */
export function printValue(value: TemplateValue): string {
  if (value.type === 'string') return value.value;
  return value.type === 'int' ? String(value.value) : formatG(value.value);
}

function goType(value: TemplateValue): string {
  return value.type === 'float' ? 'float64' : value.type;
}

function bad(verb: string, value: TemplateValue): string {
  return `%!${verb}(${goType(value)}=${printValue(value)})`;
}

function pad(text: string, width: number | undefined, flags: string, numeric: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width, ' ');
  if (flags.includes('0') && numeric) {
    const signed = /^[+-]/.test(text);
    const body = signed ? text.slice(1) : text;
    return (signed ? text[0] : '') + body.padStart(width - (signed ? 1 : 0), '0');
  }
  return text.padStart(width, ' ');
}

export const PRINTF_VERB = /%([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/g;
export const SUPPORTED_VERBS = new Set(['v', 's', 'd', 'f', 'F', 'e', 'g', '%']);

function formatOne(verb: string, flags: string, precision: number | undefined, value: TemplateValue): [string, boolean] {
  const plus = (text: string, v: number) => (flags.includes('+') && v >= 0 && !text.startsWith('+') ? `+${text}` : text);
  switch (verb) {
    case 'v':
      // Go reads %+v as "field names", not a sign: the + flag does nothing to a number here.
      return [printValue(value), value.type !== 'string' && Number.isFinite(value.value)];
    case 's':
      return [value.type === 'string' ? (precision === undefined ? value.value : [...value.value].slice(0, precision).join('')) : bad(verb, value), false];
    case 'd':
      return [value.type === 'int' ? plus(String(value.value), value.value) : bad(verb, value), value.type === 'int'];
    default: {
      if (value.type !== 'float') return [bad(verb, value), false];
      const v = value.value;
      const text = verb === 'e' ? formatE(v, precision ?? 6) : verb === 'g' ? formatG(v, precision) : formatF(v, precision ?? 6);
      // Go pads Inf and NaN with spaces, never zeros, and signs NaN only under the + flag.
      if (Number.isNaN(v)) return [flags.includes('+') ? '+NaN' : text, false];
      return [plus(text, v), Number.isFinite(v)];
    }
  }
}

/** fmt.Sprintf for the verbs v s d f F e g and %% (flags - + 0, width, precision). */
export function sprintf(format: string, args: readonly TemplateValue[]): string {
  let next = 0;
  let out = format.replace(PRINTF_VERB, (_match, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[next];
    next += 1;
    if (arg === undefined) return `%!${verb}(MISSING)`;
    const [text, numeric] = formatOne(verb, flags, precision === undefined ? undefined : Number(precision || '0'), arg);
    return pad(text, width === undefined ? undefined : Number(width), flags, numeric);
  });
  if (next < args.length) {
    out += `%!(EXTRA ${args
      .slice(next)
      .map((a) => `${goType(a)}=${printValue(a)}`)
      .join(', ')})`;
  }
  return out;
}
