/**
 * Check parameters from their JSON form, validated for the check's kind. Keys are read with Object.hasOwn
 * and copied into Maps, never used as properties of a plain object (`__proto__` is a header name like any
 * other). Every problem is reported, each with its path below `params`.
 *
 * `expectStatus` on the wire: a list of status codes (integers 100-599) and ranges ("200-399", both ends
 * included); validated, it is the sorted list of every code it names. Its JSON form writes runs of three
 * or more consecutive codes as a range, so the default (200-399) reads `["200-399"]`.
 */
import { isIP } from 'node:net';
import { RE2JS } from 're2js';
import type {
  CheckKind,
  CheckParams,
  DnsCheckParams,
  HttpCheckParams,
  ProbeStep,
} from './model';

/** [path below `params`, message], e.g. ['steps[2].url', 'must be an http:// or https:// URL']. */
export type ParamProblem = readonly [string, string];

export type ParsedParams = { readonly ok: true; readonly params: CheckParams } | { readonly ok: false; readonly problems: readonly ParamProblem[] };

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;
/** The placeholder in URLs that a run replaces with the host's address. */
export const ADDRESS_PLACEHOLDER = '{address}';
export const DEFAULT_EXPECT_STATUS: readonly number[] = Array.from({ length: 200 }, (_, i) => 200 + i);

const MAX_URL_CHARS = 2048;
const MAX_HEADERS = 50;
const MAX_HEADER_VALUE_CHARS = 8192;
const MAX_BODY_CHARS = 1_000_000;
const MAX_MATCH_CHARS = 10_000;
const MAX_STEPS = 50;
const MAX_ARGS = 100;
const MAX_ARG_CHARS = 4096;
const MAX_DAYS = 36_500;
/** RFC 9110 token: what Node accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What Node accepts in a header value: tab, visible ASCII, space, and Latin-1 obs-text; no CR, LF or NUL. */
const HEADER_VALUE = /^[\t\x20-\x7E\x80-\xFF]*$/;
const DNS_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;
const STATUS_RANGE = /^([1-5][0-9]{2})-([1-5][0-9]{2})$/;

type Json = Readonly<Record<string, unknown>>;

/** Reads one object's own keys, refusing unknown ones by name and recording problems with their paths. */
class Reader {
  constructor(
    private readonly object: Json,
    private readonly at: string,
    private readonly problems: ParamProblem[],
  ) {}

  static of(raw: unknown, at: string, problems: ParamProblem[], allowed: readonly string[]): Reader | undefined {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push([at, 'must be an object']);
      return undefined;
    }
    const reader = new Reader(raw as Json, at, problems);
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key)) problems.push([reader.path(key), `is not a parameter here (allowed: ${allowed.join(', ') || 'none'})`]);
    }
    return reader;
  }

  path(key: string): string {
    return this.at === '' ? key : `${this.at}.${key}`;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.object, key) && this.object[key] !== undefined;
  }

  get(key: string): unknown {
    return Object.hasOwn(this.object, key) ? this.object[key] : undefined;
  }

  fail(key: string, message: string): undefined {
    this.problems.push([this.path(key), message]);
    return undefined;
  }

  string(key: string, options: { required?: boolean; max: number; nonEmpty?: boolean }): string | undefined {
    if (!this.has(key)) return options.required ? this.fail(key, 'is required') : undefined;
    const value = this.get(key);
    if (typeof value !== 'string') return this.fail(key, 'must be a string');
    if (options.nonEmpty && value === '') return this.fail(key, 'must not be empty');
    if (value.length > options.max) return this.fail(key, `must be at most ${options.max} characters`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const value = this.get(key);
    if (typeof value !== 'boolean') {
      this.fail(key, 'must be true or false');
      return fallback;
    }
    return value;
  }

  /** An integer in [min, max]: the number as sent (typeof number), never a string read with parseInt. */
  integer(key: string, min: number, max: number, fallback?: number): number | undefined {
    if (!this.has(key)) return fallback === undefined ? this.fail(key, 'is required') : fallback;
    const value = this.get(key);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return this.fail(key, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    if (!this.has(key)) return fallback;
    const value = this.get(key);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(key, `must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }
}

function url(reader: Reader, key: string): string | undefined {
  const text = reader.string(key, { required: true, max: MAX_URL_CHARS, nonEmpty: true });
  if (text === undefined) return undefined;
  let parsed: URL;
  try {
    // The placeholder stands for a host name or an address; an example name stands in for it here.
    parsed = new URL(text.split(ADDRESS_PLACEHOLDER).join('placeholder.invalid'));
  } catch {
    return reader.fail(key, 'must be an http:// or https:// URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return reader.fail(key, 'must be an http:// or https:// URL');
  if (parsed.username !== '' || parsed.password !== '') return reader.fail(key, 'must not hold credentials (send them in a header)');
  return text;
}

function headers(reader: Reader, key: string): Map<string, string> {
  const map = new Map<string, string>();
  if (!reader.has(key)) return map;
  const raw = reader.get(key);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    reader.fail(key, 'must be an object of header names to values');
    return map;
  }
  const entries = Object.entries(raw as Json);
  if (entries.length > MAX_HEADERS) reader.fail(key, `must hold at most ${MAX_HEADERS} headers`);
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    const at = `${key}.${name}`;
    if (!HEADER_NAME.test(name)) reader.fail(at, 'is not a valid header name');
    else if (seen.has(name.toLowerCase())) reader.fail(at, 'repeats a header name (names are case-insensitive)');
    else if (typeof value !== 'string') reader.fail(at, 'must be a string');
    else if (value.length > MAX_HEADER_VALUE_CHARS) reader.fail(at, `must be at most ${MAX_HEADER_VALUE_CHARS} characters`);
    else if (!HEADER_VALUE.test(value)) reader.fail(at, 'holds a character a header value cannot carry (CR, LF, NUL, or beyond Latin-1)');
    else map.set(name, value);
    seen.add(name.toLowerCase());
  }
  return map;
}

function expectStatus(reader: Reader, key: string): number[] {
  if (!reader.has(key)) return [...DEFAULT_EXPECT_STATUS];
  const raw = reader.get(key);
  if (!Array.isArray(raw) || raw.length === 0) {
    reader.fail(key, 'must be a non-empty list of status codes (100-599) and ranges ("200-399")');
    return [];
  }
  const codes = new Set<number>();
  raw.forEach((item: unknown, i) => {
    const at = `${key}[${i}]`;
    if (typeof item === 'number') {
      if (Number.isInteger(item) && item >= 100 && item <= 599) codes.add(item);
      else reader.fail(at, 'must be a status code from 100 to 599');
      return;
    }
    const range = typeof item === 'string' ? STATUS_RANGE.exec(item) : null;
    const low = Number(range?.[1]);
    const high = Number(range?.[2]);
    if (!range || low > high || high > 599) {
      reader.fail(at, 'must be a status code or a range "low-high" of codes from 100 to 599');
      return;
    }
    for (let code = low; code <= high; code++) codes.add(code);
  });
  return [...codes].sort((a, b) => a - b);
}

function regexChecked(reader: Reader, key: string, pattern: string): void {
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    reader.fail(key, `is not a valid RE2 regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function method(reader: Reader): HttpCheckParams['method'] {
  return reader.oneOf('method', HTTP_METHODS, 'GET');
}

function body(reader: Reader, chosen: HttpCheckParams['method']): string | undefined {
  const text = reader.string('body', { max: MAX_BODY_CHARS });
  if (text !== undefined && (chosen === 'GET' || chosen === 'HEAD')) return reader.fail('body', `must be absent for ${chosen} requests`);
  return text;
}

/** A DNS name (a host name, not an address): 1-253 characters of labels. */
function dnsName(reader: Reader, key: string): string | undefined {
  const text = reader.string(key, { max: 253, nonEmpty: true });
  if (text === undefined) return undefined;
  const labels = text.replace(/\.$/, '').split('.');
  if (!labels.every((label) => DNS_LABEL.test(label))) return reader.fail(key, 'must be a DNS name');
  return text;
}

/** A resolver address: an IP literal with an optional port (Node's resolver takes addresses, not names). */
function dnsServer(reader: Reader, key: string): string | undefined {
  const text = reader.string(key, { max: 64, nonEmpty: true });
  if (text === undefined) return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const v4 = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(text);
  const [address, port] = bracketed ? [bracketed[1], bracketed[2]] : v4 ? [v4[1], v4[2]] : [text, undefined];
  const family = address === undefined ? 0 : isIP(address);
  const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  if (family === 0 || !portOk || (bracketed && family !== 6)) {
    return reader.fail(key, 'must be an IP address with an optional port (1.2.3.4, 1.2.3.4:53, ::1, [::1]:53)');
  }
  return text;
}

const ALLOWED: Readonly<Record<CheckKind, readonly string[]>> = {
  http: ['url', 'method', 'headers', 'body', 'expectStatus', 'bodyMatch', 'bodyRegex', 'verifyTls'],
  tcp: ['port'],
  dns: ['name', 'recordType', 'server', 'expect'],
  tls: ['port', 'serverName', 'minDaysLeft'],
  probe: ['steps'],
  plugin: ['args'],
  mesh: ['port'],
};
const STEP_KEYS = ['name', 'method', 'url', 'headers', 'body', 'expectStatus', 'bodyMatch'];

function http(r: Reader): HttpCheckParams {
  const chosen = method(r);
  const bodyMatch = r.string('bodyMatch', { max: MAX_MATCH_CHARS, nonEmpty: true });
  const bodyRegex = r.boolean('bodyRegex', false);
  if (bodyRegex && bodyMatch !== undefined) regexChecked(r, 'bodyMatch', bodyMatch);
  if (bodyRegex && !r.has('bodyMatch')) r.fail('bodyRegex', 'needs bodyMatch');
  const text = body(r, chosen);
  return {
    kind: 'http',
    url: url(r, 'url') ?? '',
    method: chosen,
    headers: headers(r, 'headers'),
    ...(text === undefined ? {} : { body: text }),
    expectStatus: expectStatus(r, 'expectStatus'),
    ...(bodyMatch === undefined ? {} : { bodyMatch }),
    bodyRegex,
    verifyTls: r.boolean('verifyTls', true),
  };
}

function step(raw: unknown, at: string, problems: ParamProblem[]): ProbeStep | undefined {
  const r = Reader.of(raw, at, problems, STEP_KEYS);
  if (!r) return undefined;
  const chosen = method(r);
  const text = body(r, chosen);
  const bodyMatch = r.string('bodyMatch', { max: MAX_MATCH_CHARS, nonEmpty: true });
  return {
    name: r.string('name', { required: true, max: 255, nonEmpty: true }) ?? '',
    method: chosen,
    url: url(r, 'url') ?? '',
    headers: headers(r, 'headers'),
    ...(text === undefined ? {} : { body: text }),
    expectStatus: expectStatus(r, 'expectStatus'),
    ...(bodyMatch === undefined ? {} : { bodyMatch }),
  };
}

function probe(r: Reader, problems: ParamProblem[]): CheckParams {
  const raw = r.get('steps');
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_STEPS) {
    r.fail('steps', `must be a list of 1 to ${MAX_STEPS} steps`);
    return { kind: 'probe', steps: [] };
  }
  const steps = raw.map((item: unknown, i) => step(item, `steps[${i}]`, problems));
  const names = new Set<string>();
  steps.forEach((s, i) => {
    if (s === undefined || s.name === '') return;
    if (names.has(s.name)) problems.push([`steps[${i}].name`, 'repeats the name of an earlier step']);
    names.add(s.name);
  });
  return { kind: 'probe', steps: steps.filter((s): s is ProbeStep => s !== undefined) };
}

function plugin(r: Reader): CheckParams {
  if (!r.has('args')) return { kind: 'plugin', args: [] };
  const raw = r.get('args');
  if (!Array.isArray(raw) || raw.length > MAX_ARGS) {
    r.fail('args', `must be a list of at most ${MAX_ARGS} strings`);
    return { kind: 'plugin', args: [] };
  }
  raw.forEach((arg: unknown, i) => {
    if (typeof arg !== 'string') r.fail(`args[${i}]`, 'must be a string');
    else if (arg.length > MAX_ARG_CHARS) r.fail(`args[${i}]`, `must be at most ${MAX_ARG_CHARS} characters`);
    else if (arg.includes('\0')) r.fail(`args[${i}]`, 'must not hold a NUL character');
  });
  return { kind: 'plugin', args: raw.filter((arg: unknown): arg is string => typeof arg === 'string') };
}

function dns(r: Reader): DnsCheckParams {
  const name = dnsName(r, 'name');
  const server = dnsServer(r, 'server');
  const expected = r.string('expect', { max: 1024, nonEmpty: true });
  return {
    kind: 'dns',
    ...(name === undefined ? {} : { name }),
    recordType: r.oneOf('recordType', DNS_RECORD_TYPES, 'A'),
    ...(server === undefined ? {} : { server }),
    ...(expected === undefined ? {} : { expect: expected }),
  };
}

function parsedFor(kind: CheckKind, r: Reader, problems: ParamProblem[]): CheckParams {
  switch (kind) {
    case 'http':
      return http(r);
    case 'tcp':
      return { kind, port: r.integer('port', 1, 65535) ?? 0 };
    case 'mesh':
      return { kind, port: r.integer('port', 1, 65535) ?? 0 };
    case 'dns':
      return dns(r);
    case 'tls': {
      const serverName = dnsName(r, 'serverName');
      return {
        kind,
        port: r.integer('port', 1, 65535) ?? 0,
        ...(serverName === undefined ? {} : { serverName }),
        minDaysLeft: r.integer('minDaysLeft', 0, MAX_DAYS, 0) ?? 0,
      };
    }
    case 'probe':
      return probe(r, problems);
    case 'plugin':
      return plugin(r);
  }
}

/** The parameters of a `kind` check from their JSON form (absent: `{}`, every parameter at its default). */
export function parseCheckParams(kind: CheckKind, raw: unknown): ParsedParams {
  const problems: ParamProblem[] = [];
  const allowed = Object.hasOwn(ALLOWED, kind) ? ALLOWED[kind] : undefined;
  if (allowed === undefined) return { ok: false, problems: [['', `${String(kind)} is not a kind of check`]] };
  const reader = Reader.of(raw === undefined ? {} : raw, '', problems, allowed);
  if (!reader) return { ok: false, problems };
  const params = parsedFor(kind, reader, problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, params };
}

/** Status codes as their shortest wire form: runs of three or more as "low-high", the rest as numbers. */
export function statusJson(codes: readonly number[]): Array<number | string> {
  const out: Array<number | string> = [];
  for (let i = 0; i < codes.length; ) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === (codes[j] as number) + 1) j++;
    if (j - i >= 2) out.push(`${codes[i]}-${codes[j]}`);
    else for (let k = i; k <= j; k++) out.push(codes[k] as number);
    i = j + 1;
  }
  return out;
}

/** A Map as a JSON object, built by defining properties: `__proto__` stays a key. */
function mapJson(map: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(map) as Record<string, string>;
}

function stepJson(s: ProbeStep): Record<string, unknown> {
  return {
    name: s.name,
    method: s.method,
    url: s.url,
    headers: mapJson(s.headers),
    ...(s.body === undefined ? {} : { body: s.body }),
    expectStatus: statusJson(s.expectStatus),
    ...(s.bodyMatch === undefined ? {} : { bodyMatch: s.bodyMatch }),
  };
}

/** The JSON form of validated parameters (what the API returns and the checks table stores); parseCheckParams reads it back unchanged. */
export function checkParamsToJson(params: CheckParams): Record<string, unknown> {
  switch (params.kind) {
    case 'http':
      return {
        url: params.url,
        method: params.method,
        headers: mapJson(params.headers),
        ...(params.body === undefined ? {} : { body: params.body }),
        expectStatus: statusJson(params.expectStatus),
        ...(params.bodyMatch === undefined ? {} : { bodyMatch: params.bodyMatch }),
        bodyRegex: params.bodyRegex,
        verifyTls: params.verifyTls,
      };
    case 'probe':
      return { steps: params.steps.map(stepJson) };
    case 'plugin':
      return { args: [...params.args] };
    case 'tcp':
    case 'mesh':
      return { port: params.port };
    case 'tls':
      return { port: params.port, ...(params.serverName === undefined ? {} : { serverName: params.serverName }), minDaysLeft: params.minDaysLeft };
    case 'dns':
      return {
        ...(params.name === undefined ? {} : { name: params.name }),
        recordType: params.recordType,
        ...(params.server === undefined ? {} : { server: params.server }),
        ...(params.expect === undefined ? {} : { expect: params.expect }),
      };
  }
}
