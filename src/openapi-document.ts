import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The OpenAPI document (openapi.yaml at the project root) is the contract of both entry points: REST
 * validates requests against it and AMQP validates messages against its MeasureMessage schema.
 */
function findUpwards(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} not found above ${from}`);
  }
}

/** Found upwards from this file, so the same code works from src/ (ts-jest) and dist/src/ (compiled). */
export const OPENAPI_PATH = findUpwards('openapi.yaml', __dirname);

export interface OpenApiDocument {
  openapi: string;
  components: { schemas: Record<string, object> };
  [key: string]: unknown;
}

let cached: OpenApiDocument | undefined;

export function openApiDocument(): OpenApiDocument {
  cached ??= parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
  return cached;
}
