import { ValidationError } from '../domain/errors';

/** A position in a source text (signature, formula or log), 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The text of a signature, formula or log does not follow MonPoly's syntax; the message names line and column. */
export class PolicySyntaxError extends ValidationError {
  constructor(
    readonly source: 'signature' | 'formula' | 'log',
    readonly position: SourcePosition,
    readonly reason: string,
  ) {
    super(`${source} ${position.line}:${position.column}: ${reason}`, { source, ...position });
  }
}

/** The formula is well formed but uses types inconsistently (a variable both int and string, a float added to an int...). */
export class PolicyTypeError extends ValidationError {
  constructor(
    readonly position: SourcePosition,
    readonly reason: string,
  ) {
    super(`formula ${position.line}:${position.column}: ${reason}`, { source: 'formula', ...position });
  }
}

/** The formula is outside the monitorable fragment: the message says which subformula and why. */
export class PolicyNotMonitorableError extends ValidationError {
  constructor(
    readonly position: SourcePosition,
    readonly reason: string,
  ) {
    super(`formula ${position.line}:${position.column}: not monitorable: ${reason}`, { source: 'formula', ...position });
  }
}

/** A time point pushed to a monitor is refused (decreasing timestamp, unknown predicate, wrongly typed argument); the monitor is unchanged. */
export class PolicyEventError extends ValidationError {}
