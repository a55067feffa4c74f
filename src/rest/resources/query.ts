import type { Request } from 'express';
import { ValidationError } from '../../domain/errors';
import { parseTimestampUs, timestampMs } from '../../../lib/contract/timestamp';

/** Query values after OpenAPI validation: present and well-formed, but still strings under Express 5. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Microseconds since the epoch from an RFC 3339 query value. The OpenAPI validator checks the same format
 * (the same parser); this read is strict on its own, so a bad date is a 400 naming the parameter whatever
 * the validator's options, never a shifted instant (Date.parse rolls Feb 30 over to March).
 */
export function queryTimeUs(req: Request, name: string): bigint | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  const us = parseTimestampUs(value);
  if (us === undefined) {
    throw new ValidationError(`${name} must be an RFC 3339 date-time of years 0000-9999 (e.g. 2024-05-01T12:00:00Z)`, {
      parameter: name,
    });
  }
  return us;
}

/**
 * The same, as a Date for millisecond columns (received_at, at). Rounded up, not down: a row at millisecond m
 * is at or after a bound of b microseconds exactly when m >= ceil(b / 1000), for `from` (inclusive) and `to`
 * (exclusive) alike. The validated range (years 0000-9999) is exact in a Date.
 */
export function queryDate(req: Request, name: string): Date | undefined {
  const us = queryTimeUs(req, name);
  return us === undefined ? undefined : new Date(-timestampMs(-us));
}
