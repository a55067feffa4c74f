import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The OpenAPI document (openapi.yaml at the project root) is the contract of both entry points: REST
 * validates requests against it and AMQP validates messages against its MeasureMessage schema.
 */
export const OPENAPI_PATH = path.resolve(__dirname, '..', 'openapi.yaml');

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
