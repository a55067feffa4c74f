import { createMonitor, parseSignature, PolicySyntaxError, restoreMonitor, type Value } from '../../../src/policies';

const MAX = Number.MAX_SAFE_INTEGER;

/** Every verdict line of a two-time-point run that feeds p(arg) at each. */
function lines(signature: string, formula: string, arg: Value): string[] {
  const monitor = createMonitor(parseSignature(signature), formula);
  const verdicts = [...monitor.push({ ts: 1, events: [{ pred: 'p', args: [arg] }] }), ...monitor.push({ ts: 2, events: [] }), ...monitor.finish()];
  return verdicts.map((v) => monitor.format(v));
}

/**
 * A term whose result the value domain cannot hold has no value, as a division by zero: an int past
 * ±(2^53 − 1) was a rounded float printed as an int (`8.112963841460666e+31`), a float inf or nan was `null`
 * in the stored verdicts' JSON and in the monitor's snapshot (so a resumed monitor compared null).
 */
describe('arithmetic the value domain cannot hold', () => {
  it.each([
    ['p(x:int)', 'p(x) AND y = x * x', MAX],
    ['p(x:int)', 'p(x) AND y = x + 1', MAX],
    ['p(x:int)', 'p(x) AND y = x - 2', -MAX],
    ['p(x:int)', 'p(x) AND y = f2i(i2f(x) * 1e300)', 1],
    ['p(x:float)', 'p(x) AND y = x * 1e308', 10.5],
    ['p(x:float)', 'p(x) AND y = x / 0.0', 0.5],
    ['p(x:float)', 'p(x) AND y = (x - x) / (x - x)', 0.5],
  ])('%s %s with %p: no verdict', (signature, formula, arg) => {
    expect(lines(signature, formula, arg)).toEqual([]);
  });

  it('a result inside the domain is still answered, at its edge', () => {
    expect(lines('p(x:int)', 'p(x) AND y = x - 1', MAX)).toEqual([`@1 (time point 0): (${MAX},${MAX - 1})`]);
    expect(lines('p(x:int)', 'p(x) AND y = x + 0', -MAX)).toEqual([`@1 (time point 0): (${-MAX},${-MAX})`]);
  });

  it('a float SUM past the largest float is no value; the snapshot holds no null', () => {
    const signature = parseSignature('p(x:float)');
    const formula = 'r <- SUM x ONCE[0,10] p(x)';
    const monitor = createMonitor(signature, formula);
    const first = monitor.push({ ts: 1, events: [{ pred: 'p', args: [1e308] }] });
    expect(first.map((v) => monitor.format(v))).toEqual(['@1 (time point 0): (1e+308)']);
    const second = monitor.push({ ts: 2, events: [{ pred: 'p', args: [1.5e308] }] });
    expect(second).toEqual([]);
    const snapshot = JSON.parse(JSON.stringify(monitor.snapshot()));
    const resumed = restoreMonitor(signature, formula, {}, snapshot);
    expect(resumed.push({ ts: 20, events: [{ pred: 'p', args: [2.5] }] }).map((v) => resumed.format(v))).toEqual(['@20 (time point 2): (2.5)']);
  });

  it('a float constant past the largest float is a syntax error with its position', () => {
    expect(() => createMonitor(parseSignature('p(x:float)'), 'p(x) AND x < 1e400')).toThrow(PolicySyntaxError);
    expect(() => createMonitor(parseSignature('p(x:float)'), 'p(x) AND x < 1e400')).toThrow(/1:14: the float 1e400 is out of range/);
  });
});
