import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseLog, parseSignature } from '../../src/policies';

/**
 * The MFOTL conformance cases (test/fixtures/mfotl-conformance), for every test that feeds them;
 * MFOTL_CONFORMANCE_DIR runs the same tests over another set of cases of the same layout (a checker's own).
 */
export const MFOTL_CASES = process.env.MFOTL_CONFORMANCE_DIR ? path.resolve(process.env.MFOTL_CONFORMANCE_DIR) : path.join(__dirname, '..', 'fixtures', 'mfotl-conformance');

export interface MfotlCase {
  readonly name: string;
  readonly sig: string;
  readonly mfotl: string;
  readonly log: string;
  readonly negate: boolean;
  readonly expected: string;
}

export function mfotlCases(): MfotlCase[] {
  return readdirSync(MFOTL_CASES)
    .filter((name) => statSync(path.join(MFOTL_CASES, name)).isDirectory())
    .sort()
    .map((name) => {
      const read = (file: string): string => readFileSync(path.join(MFOTL_CASES, name, file), 'utf8');
      return { name, sig: read('sig'), mfotl: read('mfotl'), log: read('log'), negate: read('flags').split(/\s+/).includes('-negate'), expected: read('expected.txt') };
    });
}

/** Where each time point of a log starts, as offsets into the text (from the engine's parser positions). */
export function timePointOffsets(log: string, signature: string): number[] {
  const lineStarts = [0];
  for (let i = 0; i < log.length; i++) if (log[i] === '\n') lineStarts.push(i + 1);
  return parseLog(log, parseSignature(signature)).map((p) => (lineStarts[p.pos.line - 1] as number) + p.pos.column - 1);
}

/** The log cut into `parts` pieces at time point boundaries (the pieces, joined, are the log). */
export function logChunks(log: string, signature: string, parts: number): string[] {
  const starts = timePointOffsets(log, signature);
  const cuts = [0];
  for (let k = 1; k < parts; k++) {
    const at = starts[Math.floor((starts.length * k) / parts)];
    if (at !== undefined && at > (cuts.at(-1) as number)) cuts.push(at);
  }
  cuts.push(log.length);
  return cuts.slice(1).map((end, i) => log.slice(cuts[i], end));
}

/** The log's time points in the JSON form of POST /policies/{id}/events and of the AMQP events message. */
export function jsonTimePoints(log: string, signature: string): { ts: number; events: { pred: string; args: (string | number)[] }[] }[] {
  return parseLog(log, parseSignature(signature)).map((p) => ({ ts: p.ts, events: p.events.map((e) => ({ pred: e.pred, args: [...e.args] })) }));
}
