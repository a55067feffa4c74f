import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MFOTL_CASES } from '../../support/mfotl-cases';

export interface ConformanceCase {
  readonly name: string;
  readonly signature: string;
  readonly formula: string;
  readonly log: string;
  readonly flags: readonly string[];
  readonly expected: string;
}

/** Every case folder of the MFOTL conformance suite (copied from ../shared so a clean clone runs it). */
export function conformanceCases(): ConformanceCase[] {
  return readdirSync(MFOTL_CASES)
    .filter((name) => statSync(path.join(MFOTL_CASES, name)).isDirectory())
    .sort()
    .map((name) => {
      const read = (file: string): string => readFileSync(path.join(MFOTL_CASES, name, file), 'utf8');
      return {
        name,
        signature: read('sig'),
        formula: read('mfotl'),
        log: read('log'),
        flags: read('flags').split(/\s+/).filter((f) => f !== ''),
        expected: read('expected.txt'),
      };
    });
}

export const KNOWN_FLAGS = new Set(['-negate', '-nofilteremptytp', '-nonewlastts', '-nofilterrel', '-stop_at_out_of_order_ts']);
