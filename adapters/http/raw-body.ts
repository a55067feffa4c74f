import type { Request } from 'express';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `5mb` (the config's bodyLimit form, as body-parser reads it) in bytes. */
export function sizeInBytes(size: string): number {
  const [, number, unit] = /^(\d+)(b|kb|mb)$/i.exec(size) ?? [];
  if (number === undefined || unit === undefined) throw new Error(`not a size: ${size}`);
  return Number(number) * (UNITS[unit.toLowerCase()] ?? 1);
}

/**
 * The request body as bytes, or 'too-large'. For bodies body-parser refuses to read: it decodes only
 * gzip, deflate and br, and remote write's `Content-Encoding: snappy` is the payload's own format. A body
 * over the limit is still drained, so that the answer reaches the client.
 */
export async function readRawBody(req: Request, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? 'too-large' : Buffer.concat(chunks);
}
