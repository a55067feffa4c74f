import { PromqlError } from '../../../../src/alerting/promql/engine-api';
import { parsePromql } from '../../../../src/alerting/promql/parse';

/** `parse(query)` called `depth` frames down; its error returned, or the RangeError of the descent itself thrown. */
function parseAtDepth(depth: number, query: string): unknown {
  if (depth === 0) {
    try {
      return parsePromql(query);
    } catch (error) {
      return error;
    }
  }
  return parseAtDepth(depth - 1, query);
}

describe('parsePromql with little stack left', () => {
  // A deep query, once answered as a 500 when the walks over its tree ran out of stack (JIT-cold frames are larger).
  it.each([`${'x and '.repeat(20000)}x`, `${'1 + '.repeat(20000)}1`, `${'('.repeat(3000)}x${')'.repeat(3000)}`])(
    'answers a PromqlError or an expression at every remaining depth, never a RangeError: %#',
    (query) => {
      const outcomes = new Set<string>();
      for (let depth = 0; ; depth += 250) {
        let result: unknown;
        try {
          result = parseAtDepth(depth, query);
        } catch {
          break; // the descent itself overflowed: every depth that leaves the parser any stack was tried
        }
        outcomes.add(result instanceof PromqlError ? `PromqlError ${result.errorType}` : result instanceof Error ? `${result.name}: ${result.message}` : 'expression');
      }
      expect([...outcomes].filter((o) => !o.startsWith('PromqlError'))).toEqual([]);
      expect(outcomes).toContain('PromqlError bad_data');
    },
  );
});
