import fs from 'node:fs';
import { parse } from 'yaml';
import { findUpwards } from '../find-upwards';

/**
 * The OpenAPI document (openapi.yaml at the project root) is the contract of every entry point: REST
 * validates requests against it, the consumer validates messages and the adapter SDK measures against its
 * MeasureMessage and Measure schemas.
 */
export interface OpenApiDocument {
  openapi: string;
  components: { schemas: Record<string, object> };
  [key: string]: unknown;
}

/** openapi.yaml, found upwards from this file: the same from lib/ (ts-jest) and dist/lib/ (compiled). */
export function openApiPath(): string {
  return findUpwards('openapi.yaml', __dirname);
}

/** The document at `file`, refused when it holds no components.schemas. */
export function readOpenApiDocument(file: string): OpenApiDocument {
  const document = parse(fs.readFileSync(file, 'utf8')) as Partial<OpenApiDocument> | null;
  if (!document?.components?.schemas) throw new Error(`${file} has no components.schemas`);
  return document as OpenApiDocument;
}

let cached: OpenApiDocument | undefined;

/** The project's openapi.yaml, read once. */
export function openApiDocument(): OpenApiDocument {
  cached ??= readOpenApiDocument(openApiPath());
  return cached;
}
