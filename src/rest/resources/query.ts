import type { Request } from 'express';

/** Query values after OpenAPI validation: present and well-formed, but still strings under Express 5. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

/** Microseconds since the epoch from an RFC 3339 query value (validated as date-time). */
export function queryTimeUs(req: Request, name: string): number | undefined {
  const value = queryString(req, name);
  return value === undefined ? undefined : Date.parse(value) * 1000;
}
