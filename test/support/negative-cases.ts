import { openApiDocument } from '../../lib/contract/openapi-document';

/**
 * Bad inputs generated from openapi.yaml: for every operation, every parameter (path and query) and every
 * property of its request body, values of the wrong type, out of range, huge, or of a bad format, each sent
 * with every other input valid. test/integration/rest/schema-negative.test.ts sends them.
 */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  required?: string[];
  properties?: Record<string, Schema>;
}

interface Parameter {
  $ref?: string;
  name: string;
  in: string;
  required?: boolean;
  schema: Schema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

export interface Operations {
  method: string;
  path: string;
  operation: Operation;
  parameters: Parameter[];
  body?: Schema;
}

export interface NegativeCase {
  label: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Valid values of the inputs a case leaves alone: path ids and codes of records the test created. */
export interface Valid {
  path: (name: string) => string;
  query: (operation: Operations, name: string) => string | undefined;
  body: (operation: Operations) => Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, Operation> & { parameters?: Parameter[] }>;
};

function resolve<T extends { $ref?: string }>(value: T): T {
  let current = value;
  while (current.$ref) {
    let target: unknown = document;
    for (const key of current.$ref.replace(/^#\//, '').split('/')) target = (target as Record<string, unknown>)[key];
    current = target as T;
  }
  return current;
}

/**
 * The operations this document validates: not the self-validating ones (Prometheus's API), which answer in
 * Prometheus's error format and ignore unknown parameters (test/integration/promql covers them).
 */
export function operations(): Operations[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] && !(item[m] as { 'x-self-validating'?: boolean })['x-self-validating']).map((method) => {
      const operation = item[method]!;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => {
        const parameter = resolve(p);
        return { ...parameter, schema: resolve(parameter.schema) };
      });
      const content = operation.requestBody?.content['application/json'];
      return { method: method.toUpperCase(), path, operation, parameters, body: content && resolve(content.schema) };
    }),
  );
}

const HUGE = 'x'.repeat(20000);
const isType = (schema: Schema, type: string) => schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));

/** Bad texts of a path or query parameter, already URL-encoded. */
function badTexts(schema: Schema): string[] {
  const common = ['', '%00', '%ZZ', encodeURIComponent(HUGE), encodeURIComponent('😀'), '__proto__', 'constructor', '%2E%2E', '%2F', encodeURIComponent('<script>')];
  if (isType(schema, 'integer')) {
    const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
    return [
      ...common,
      'abc', '1.5', '27e1', '1e5', '1e309', 'Infinity', '-Infinity', 'NaN', '-1', '0', '-0', '0x10', '%201', '1%20', '%2B1',
      String(max + 1), '9'.repeat(400), '9007199254740993', 'null', 'true', '[1]',
    ];
  }
  if (schema.format === 'date-time') {
    return [
      ...common,
      'yesterday', '1e309', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-32T00:00:00Z', '2026-02-30T00:00:00Z',
      '2026-01-01T29:00:00Z', '2026-01-01T00:61:00Z', encodeURIComponent('2026-01-01T00:00:00+99:99'), '2026-12-31T23:59:60Z',
      '2026-01-01', '2026-01-01T00:00:00', '10000-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '-0001-01-01T00:00:00Z',
      encodeURIComponent('2026-01-01T00:00:00.1234567890123456789+00:00'), '2026-01-01T00:00:00.000001Z',
    ];
  }
  const texts = [...common, 'a'.repeat((schema.maxLength ?? 10000) + 1), encodeURIComponent('é'.repeat(schema.maxLength ?? 512))];
  if (schema.enum) texts.push('not-one-of-them', String(schema.enum[0]).toUpperCase());
  if (schema.pattern) texts.push(encodeURIComponent('a b'), encodeURIComponent('a\nb'), encodeURIComponent('a;DROP TABLE users'));
  return texts;
}

/** Cursors that decode to keys this API never issued. */
const forgedCursors = ['{"id":-1}', '{"id":1.5}', '{"id":1e309}', '{"id":"1"}', '{"t":-1,"s":-1}', '{"t":1e300,"s":1}', 'null', '[]', '"x"', '{"__proto__":{"id":2}}', '{"id":']
  .map((key) => Buffer.from(key).toString('base64url'))
  .concat(['AAAA', 'A'.repeat(512), '_-_-']);

/** Bad values of a body property: wrong type, out of range, huge, bad format; and values at the edge of valid. */
function badValues(schema: Schema): unknown[] {
  const values: unknown[] = [123, 1.7e308, -1, true, [], {}, [HUGE], JSON.parse('{"__proto__":"x"}')];
  if (!isType(schema, 'null')) values.push(null);
  if (isType(schema, 'string')) {
    const max = schema.maxLength ?? 1000;
    values.push('', 'x'.repeat(max + 1), 'é'.repeat(max + 1), 'é'.repeat(max), '😀'.repeat(max), 'a\u0000b', 'a\ud800b', '\ufeff', ' ', '__proto__');
    if (schema.pattern) values.push('a b', 'a/b', '..', 'é');
    if (schema.format === 'email') values.push('not-an-email', 'a@', '@b.org', `${'a'.repeat(310)}@example.org`, 'a@b@c.org');
  }
  if (schema.enum) values.push('not-one-of-them', String(schema.enum[0]).toLowerCase(), ` ${String(schema.enum[0])}`);
  return values;
}

function label(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 20)}…(${text.length})` : text;
}

function url(op: Operations, valid: Valid, badPath?: [string, string], query?: Map<string, string>): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    badPath && badPath[0] === name ? badPath[1] : encodeURIComponent(valid.path(name)),
  );
  const pairs = [...(query ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}

function validQuery(op: Operations, valid: Valid): Map<string, string> {
  const query = new Map<string, string>();
  for (const p of op.parameters.filter((p) => p.in === 'query' && p.required)) {
    query.set(p.name, encodeURIComponent(valid.query(op, p.name) ?? ''));
  }
  return query;
}

/** Every bad input of one operation, each with everything else valid. */
export function negativeCases(op: Operations, valid: Valid): NegativeCase[] {
  const cases: NegativeCase[] = [];
  const route = `${op.method} ${op.path}`;
  const body = op.body ? valid.body(op) : undefined;
  const add = (what: string, path: string, extra: Partial<NegativeCase> = {}) =>
    cases.push({ label: `${route} ${what}`, method: op.method, path, body, ...extra });

  for (const parameter of op.parameters) {
    const texts = badTexts(parameter.schema);
    if (parameter.name === 'cursor') texts.push(...forgedCursors);
    for (const text of texts) {
      if (parameter.in === 'path') {
        add(`path ${parameter.name}=${label(decodeSafe(text))}`, url(op, valid, [parameter.name, text], validQuery(op, valid)));
      } else {
        const query = validQuery(op, valid);
        query.set(parameter.name, text);
        add(`query ${parameter.name}=${label(decodeSafe(text))}`, url(op, valid, undefined, query));
      }
    }
    if (parameter.in === 'query') {
      const query = validQuery(op, valid);
      const first = valid.query(op, parameter.name) ?? '1';
      add(`query ${parameter.name} twice`, `${url(op, valid, undefined, query)}${query.size ? '&' : '?'}${parameter.name}=${encodeURIComponent(first)}&${parameter.name}=${encodeURIComponent(first)}`);
      if (parameter.required) {
        const without = validQuery(op, valid);
        without.delete(parameter.name);
        add(`query ${parameter.name} missing`, url(op, valid, undefined, without));
      }
    }
  }
  const base = url(op, valid, undefined, validQuery(op, valid));
  add('an unknown query parameter', `${base}${base.includes('?') ? '&' : '?'}colour=red`);
  add('a query parameter named __proto__', `${base}${base.includes('?') ? '&' : '?'}__proto__[id]=1`);

  if (op.body && body) {
    for (const [name, schema] of Object.entries(op.body.properties ?? {})) {
      for (const value of badValues(resolve(schema))) {
        add(`body ${name}=${label(value)}`, base, { body: { ...valid.body(op), [name]: value } });
      }
    }
    for (const name of op.body.required ?? []) {
      const without = { ...valid.body(op) };
      delete without[name];
      add(`body without ${name}`, base, { body: without });
    }
    add('body with an unknown property', base, { body: { ...valid.body(op), owner: 'me' } });
    add('body with a property named __proto__', base, { rawBody: JSON.stringify(valid.body(op)).replace(/^\{/, '{"__proto__":{"role":"ADMIN"},') });
    for (const whole of [{}, [], null, 'text', 42, [valid.body(op)]]) add(`body ${label(whole)}`, base, { body: undefined, rawBody: JSON.stringify(whole) });
    add('body of malformed JSON', base, { body: undefined, rawBody: '{"name": ' });
    add('body nested 10,000 deep', base, { body: undefined, rawBody: '['.repeat(10000) + ']'.repeat(10000) });
    add('body larger than the limit', base, { body: undefined, rawBody: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
    add('body as text/plain', base, { body: undefined, rawBody: JSON.stringify(valid.body(op)), headers: { 'content-type': 'text/plain' } });
    add('body with a charset the parser refuses', base, { body: undefined, rawBody: JSON.stringify(valid.body(op)), headers: { 'content-type': 'application/json; charset=utf-7' } });
    add('no body', base, { body: undefined });
  } else if (op.method !== 'GET') {
    add('an unexpected body', base, { rawBody: JSON.stringify({ name: HUGE }) });
  }
  return cases;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
