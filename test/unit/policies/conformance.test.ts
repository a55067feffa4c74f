import { parseSignature, runLog } from '../../../src/policies';
import { conformanceCases, KNOWN_FLAGS } from './conformance-cases';

const cases = conformanceCases();

describe('MFOTL conformance: the verdict lines equal the reference monitor, byte for byte', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const flag of c.flags) expect(KNOWN_FLAGS).toContain(flag);
    const { lines } = runLog(parseSignature(c.signature), c.formula, c.log, {
      negate: c.flags.includes('-negate'),
      endOfLog: !c.flags.includes('-nonewlastts'),
    });
    const output = lines.map((l) => `${l}\n`).join('');
    expect(output).toBe(c.expected);
  });
});
