/**
 * A parse error at a position of the query, reported the way Prometheus does: `line:col: parse error: ...`
 * with the column counted in bytes of UTF-8 from 1 (Prometheus's ParseErr.Error()).
 */
import { PromqlError } from './engine-api';

export class ParseFailure extends Error {
  constructor(
    /** Offset in the query's UTF-16 text. */
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

export function fail(pos: number, message: string): never {
  throw new ParseFailure(pos, message);
}

const encoder = new TextEncoder();

export function positionLabel(text: string, pos: number): string {
  const before = text.slice(0, Math.max(0, Math.min(pos, text.length)));
  const lastBreak = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  const col = encoder.encode(before.slice(lastBreak + 1)).length + 1;
  return `${line}:${col}`;
}

export function toPromqlError(text: string, failure: ParseFailure): PromqlError {
  return new PromqlError('bad_data', `${positionLabel(text, failure.pos)}: parse error: ${failure.message}`);
}
