import { PolicySyntaxError, type SourcePosition } from './errors';
import type { Signature } from './signature';
import type { Value, ValueType } from './values';

export interface EventInput {
  readonly pred: string;
  readonly args: readonly Value[];
}

/** One time point: a timestamp and its events (possibly none). */
export interface TimePointInput {
  readonly ts: number;
  readonly events: readonly EventInput[];
}

export interface ParsedTimePoint extends TimePointInput {
  readonly pos: SourcePosition;
  /**
   * With `perTimePoint`: why this time point does not fit the signature (an unknown predicate, a wrong arity, an
   * argument of another type), with where; its events are then incomplete and it must be refused alone.
   */
  readonly problem?: { readonly pos: SourcePosition; readonly reason: string };
}

export interface ParseLogOptions {
  /**
   * A time point whose events do not fit the signature is returned with its `problem` instead of failing the
   * whole log (the ingest refuses it alone, docs/policies.md "REST"); syntax errors still fail the log.
   */
  readonly perTimePoint?: boolean;
}

const UNQUOTED = /[A-Za-z0-9_/:.!\-[\]]/;
const INT = /^-?[0-9]+$/;
const FLOAT = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;

/** Converts a log's textual argument to the attribute's type, or says why it cannot. */
export function convertArgument(text: string, type: ValueType): Value | string[] {
  switch (type) {
    case 'string':
      return text;
    case 'int': {
      const n = Number(text);
      if (!INT.test(text)) return [`'${text}' is not an int`];
      if (!Number.isSafeInteger(n)) return [`the int ${text} is out of range (at most 2^53 - 1 in magnitude)`];
      return n;
    }
    case 'float': {
      const n = Number(text);
      if (!FLOAT.test(text) || !Number.isFinite(n)) return [`'${text}' is not a finite float`];
      return n;
    }
  }
}

/**
 * Parses MonPoly's log language: `@ts` followed by events `p(a,b)`, `p (1) (2)` (several tuples), `hb` or `hb()`;
 * a time point ends at the next `@`, at `;` or at the end. Arguments are typed by the signature.
 */
export function parseLog(text: string, signature: Signature, options: ParseLogOptions = {}): ParsedTimePoint[] {
  const points: ParsedTimePoint[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourcePosition => ({ line, column: i - lineStart + 1 });
  const fail = (pos: SourcePosition, reason: string): never => {
    throw new PolicySyntaxError('log', pos, reason);
  };
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') {
        i++;
        line++;
        lineStart = i;
      } else if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
      else return;
    }
  };
  const word = (): string => {
    const start = i;
    while (i < text.length && UNQUOTED.test(text[i] as string)) i++;
    return text.slice(start, i);
  };
  const argument = (): { text: string; pos: SourcePosition } => {
    skipSpace();
    const pos = here();
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) fail(pos, 'unterminated string');
      const value = text.slice(i + 1, end);
      for (const c of value) if (c === '\n') line++;
      i = end + 1;
      return { text: value, pos };
    }
    const value = word();
    if (value === '') fail(pos, `expected an argument, found ${text[i] === undefined ? 'the end of the log' : `'${text[i]}'`}`);
    return { text: value, pos };
  };

  skipSpace();
  while (i < text.length) {
    const pos = here();
    if (text[i] !== '@') fail(pos, `expected '@' and a timestamp, found '${text[i]}'`);
    i++;
    const tsText = word();
    if (!/^[0-9]+$/.test(tsText)) fail(pos, tsText === '' ? "expected a timestamp after '@'" : `the timestamp '${tsText}' is not a non-negative integer`);
    const ts = Number(tsText);
    if (!Number.isSafeInteger(ts)) fail(pos, `the timestamp ${tsText} is out of range`);
    const events: EventInput[] = [];
    let problem: { pos: SourcePosition; reason: string } | undefined;
    /** An event that does not fit the signature: the log fails, or (perTimePoint) this time point is marked. Returns false. */
    const misfit = (at: SourcePosition, reason: string): false => {
      if (options.perTimePoint !== true) fail(at, reason);
      problem ??= { pos: at, reason };
      return false;
    };
    for (;;) {
      skipSpace();
      if (i >= text.length || text[i] === '@') break;
      if (text[i] === ';') {
        i++;
        skipSpace();
        break;
      }
      const namePos = here();
      const name = word();
      if (name === '') fail(namePos, `expected a predicate name, found '${text[i]}'`);
      const predicate = signature.get(name);
      // An unknown predicate's tuples are still read (syntax), never kept.
      const known = predicate !== undefined || misfit(namePos, `the predicate ${name} is not in the signature`);
      const types = predicate?.types ?? [];
      skipSpace();
      if (text[i] !== '(') {
        if (known && types.length !== 0) misfit(namePos, `${name} takes ${types.length} argument(s); write ${name}(...)`);
        else if (known) events.push({ pred: name, args: [] });
        continue;
      }
      while (text[i] === '(') {
        const tuplePos = here();
        i++;
        const args: Value[] = [];
        let fits = known;
        skipSpace();
        if (text[i] !== ')') {
          for (let n = 0; ; n++) {
            const arg = argument();
            const type = types[n];
            if (fits && type === undefined) fits = misfit(arg.pos, `${name} takes ${types.length} argument(s)`);
            if (fits) {
              const value = convertArgument(arg.text, type as ValueType);
              if (Array.isArray(value)) fits = misfit(arg.pos, `argument ${n + 1} of ${name}: ${value[0]}`);
              else args.push(value);
            }
            skipSpace();
            if (text[i] === ',') {
              i++;
              continue;
            }
            break;
          }
        }
        if (text[i] !== ')') fail(here(), `expected ',' or ')' in the arguments of ${name}`);
        i++;
        if (fits && args.length !== types.length) fits = misfit(tuplePos, `${name} takes ${types.length} argument(s), found ${args.length}`);
        if (fits) events.push({ pred: name, args });
        skipSpace();
      }
    }
    points.push(problem === undefined ? { ts, events, pos } : { ts, events, pos, problem });
  }
  return points;
}
