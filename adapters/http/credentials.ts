import type { Request } from 'express';

/**
 * The token a request presents, in any of the forms InfluxDB clients send it:
 *   Authorization: Bearer <token> | Token <token>   (InfluxDB 2 clients, Telegraf's outputs.influxdb_v2)
 *   Authorization: Basic base64(<any user>:<token>) (InfluxDB 1 clients, Telegraf's outputs.influxdb)
 *   ?u=<any user>&p=<token>                          (InfluxDB 1 query parameters)
 * The scheme is case-insensitive (RFC 9110). Undefined when none is present.
 */
export function presentedToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const [, scheme, token] = /^(Bearer|Token|Basic)[ \t]+(\S+)[ \t]*$/i.exec(header) ?? [];
    if (scheme === undefined || token === undefined) return undefined;
    if (scheme.toLowerCase() !== 'basic') return token;
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  const p = req.query.p;
  return typeof p === 'string' && p !== '' ? p : undefined;
}
