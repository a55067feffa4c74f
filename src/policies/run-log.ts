import type { Formula } from './ast';
import { PolicyEventError } from './errors';
import { parseLog } from './log-parser';
import { createMonitor, type MonitorOptions } from './monitor';
import type { Signature } from './signature';

export interface RunLogOptions extends MonitorOptions {
  /** False is MonPoly's -nonewlastts: the end of the text does not end the log. */
  readonly endOfLog?: boolean;
  /** MonPoly's -stop_at_out_of_order_ts: a decreasing timestamp stops the run (no end-of-log verdicts). */
  readonly stopAtOutOfOrder?: boolean;
}

/**
 * Runs a whole log as MonPoly does from the command line (with -nofilteremptytp): a time point with a decreasing
 * timestamp is skipped with a warning, and the end of the text ends the log. Answers the verdict lines.
 */
export function runLog(
  signature: Signature,
  formula: string | Formula,
  log: string,
  options: RunLogOptions = {},
): { lines: string[]; warnings: string[]; stopped: boolean } {
  const monitor = createMonitor(signature, formula, options);
  const lines: string[] = [];
  const warnings: string[] = [];
  for (const point of parseLog(log, signature)) {
    try {
      for (const v of monitor.push(point)) lines.push(monitor.format(v));
    } catch (e) {
      if (!(e instanceof PolicyEventError)) throw e;
      warnings.push(`log ${point.pos.line}:${point.pos.column}: ${e.message}`);
      if (options.stopAtOutOfOrder === true) return { lines, warnings, stopped: true };
    }
  }
  // -nonewlastts: the text's end is not the log's end, verdicts still waiting for their window stay unprinted.
  if (options.endOfLog !== false) for (const v of monitor.finish()) lines.push(monitor.format(v));
  return { lines, warnings, stopped: false };
}
