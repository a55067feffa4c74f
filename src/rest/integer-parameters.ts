import type { RequestHandler, Response } from 'express';
import type { OpenApiDocument } from '../../lib/contract/openapi-document';

/** An integer parameter as openapi.yaml declares it on one operation. */
interface IntegerParameter {
  name: string;
  in: 'path' | 'query';
  minimum: number;
  maximum: number;
  default?: number;
}

interface ParameterObject {
  name?: string;
  in?: string;
  $ref?: string;
  schema?: { type?: unknown; minimum?: unknown; maximum?: unknown; default?: unknown; $ref?: string };
}

const DIGITS = /^[0-9]{1,16}$/;
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** A 400 shaped like the OpenAPI validator's, so problem+json names the parameter the same way. */
class ParameterError extends Error {
  readonly status = 400;
  readonly errors: Array<{ path: string; message: string }>;
  constructor(where: string, message: string) {
    super(`request/${where} ${message}`);
    this.errors = [{ path: `/${where}`, message }];
  }
}

function resolve<T extends { $ref?: string }>(document: OpenApiDocument, value: T): T {
  let current: T = value;
  for (let hops = 0; current.$ref !== undefined && hops < 8; hops++) {
    let target: unknown = document;
    for (const key of current.$ref.replace(/^#\//, '').split('/')) target = (target as Record<string, unknown>)[key];
    current = target as T;
  }
  return current;
}

function integerParameters(document: OpenApiDocument, parameters: ParameterObject[]): IntegerParameter[] {
  const found: IntegerParameter[] = [];
  for (const raw of parameters) {
    const parameter = resolve(document, raw);
    const schema = parameter.schema ? resolve(document, parameter.schema) : undefined;
    if (schema?.type !== 'integer' || (parameter.in !== 'path' && parameter.in !== 'query')) continue;
    found.push({
      name: String(parameter.name),
      in: parameter.in,
      minimum: typeof schema.minimum === 'number' ? schema.minimum : 0,
      maximum: typeof schema.maximum === 'number' ? schema.maximum : Number.MAX_SAFE_INTEGER,
      default: typeof schema.default === 'number' ? schema.default : undefined,
    });
  }
  return found;
}

/** Integer parameters of every operation, keyed `METHOD openApiRoute`. */
function operationIndex(document: OpenApiDocument): Map<string, IntegerParameter[]> {
  const index = new Map<string, IntegerParameter[]>();
  const paths = (document.paths ?? {}) as Record<string, Record<string, { parameters?: ParameterObject[] }>>;
  for (const [route, item] of Object.entries(paths)) {
    const shared = (item.parameters ?? []) as unknown as ParameterObject[];
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      index.set(`${method.toUpperCase()} ${route}`, integerParameters(document, [...shared, ...(operation.parameters ?? [])]));
    }
  }
  return index;
}

/** The raw text of each `{name}` segment of `route` in `path` (the route the OpenAPI validator matched). */
function pathValues(route: string, path: string): Map<string, string> {
  const values = new Map<string, string>();
  const templates = route.split('/');
  const segments = path.replace(/\/+$/, '').split('/');
  templates.forEach((template, i) => {
    const name = /^\{(.+)\}$/.exec(template)?.[1];
    if (name === undefined || segments[i] === undefined) return;
    try {
      values.set(name, decodeURIComponent(segments[i]));
    } catch {
      values.set(name, segments[i]);
    }
  });
  return values;
}

function parse(parameter: IntegerParameter, text: unknown): number {
  const where = `${parameter.in === 'path' ? 'params' : 'query'}/${parameter.name}`;
  if (typeof text !== 'string' || !DIGITS.test(text)) throw new ParameterError(where, 'must be written in digits only');
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < parameter.minimum || value > parameter.maximum) {
    throw new ParameterError(where, `must be between ${parameter.minimum} and ${parameter.maximum}`);
  }
  return value;
}

/**
 * Integer path and query parameters are parsed here, once, from their text: digits only. The OpenAPI
 * validator coerces with Number() (`27e1` is 270, `1e309` Infinity) while a handler's parseInt read 27:
 * two parsers, two records. Handlers read the numbers this layer stored with `integerParameter`.
 * Runs after the OpenAPI validator, which matched the route (`req.openapi`).
 */
export function strictIntegerParameters(document: OpenApiDocument): RequestHandler {
  const index = operationIndex(document);
  return (req, res, next) => {
    const route = (req as { openapi?: { openApiRoute?: string } }).openapi?.openApiRoute;
    const parameters = route === undefined ? undefined : index.get(`${req.method} ${route}`);
    const parsed = new Map<string, number>();
    res.locals.integers = parsed;
    if (!route || !parameters) return next();
    const fromPath = pathValues(route, req.path);
    // The query as sent: the validator has replaced req.query's values with its own coercions.
    const question = req.originalUrl.indexOf('?');
    const fromQuery = new URLSearchParams(question < 0 ? '' : req.originalUrl.slice(question + 1));
    for (const parameter of parameters) {
      const texts = parameter.in === 'path' ? [fromPath.get(parameter.name)] : fromQuery.getAll(parameter.name);
      if (texts.length === 0 || texts[0] === undefined) {
        if (parameter.default !== undefined) parsed.set(parameter.name, parameter.default);
        continue;
      }
      parsed.set(parameter.name, parse(parameter, texts.length === 1 ? texts[0] : undefined));
    }
    next();
  };
}

/** The number `strictIntegerParameters` parsed for `name` (or the default openapi.yaml gives it). */
export function integerParameter(res: Response, name: string): number {
  const value = (res.locals.integers as Map<string, number> | undefined)?.get(name);
  // Reached only if a route and openapi.yaml disagree: refuse rather than guess a record.
  if (value === undefined) throw new ParameterError(`params/${name}`, 'is missing');
  return value;
}
