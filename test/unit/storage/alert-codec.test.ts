import fc from 'fast-check';
import { goExponent } from '../../../src/rest/resources/prometheus-rules';
import { historyFromText, historyToText, labelsFromJson, labelsToJson, valueFromText, valueToText } from '../../../src/storage/alert-codec';

describe('alert codec', () => {
  it('keeps NaN and infinities, which DOUBLE and JSON cannot', () => {
    for (const v of [NaN, Infinity, -Infinity, 0, -0.5, 1e300, 5e-324]) expect(valueFromText(valueToText(v))).toBe(v);
    expect(valueToText(Infinity)).toBe('+Inf');
    expect(historyFromText(historyToText([1, NaN, -Infinity]))).toEqual([1, NaN, -Infinity]);
  });

  it('round-trips label sets in order, whatever the names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string(), fc.string()), { selector: ([k]) => k }), (pairs) => {
        expect([...labelsFromJson(labelsToJson(new Map(pairs)))]).toEqual(pairs);
      }),
    );
    expect(labelsFromJson('[["__proto__","x"]]').get('__proto__')).toBe('x');
  });

  it('writes alert values as Go strconv.FormatFloat(v, e, 10, 64) does', () => {
    expect(goExponent(1)).toBe('1e+00');
    expect(goExponent(20)).toBe('2e+01');
    expect(goExponent(0.1 + 0.2)).toBe('3.0000000000000004e-01');
    expect(goExponent(-0.00123)).toBe('-1.23e-03');
    expect(goExponent(1e300)).toBe('1e+300');
    expect(goExponent(NaN)).toBe('NaN');
    expect(goExponent(-Infinity)).toBe('-Inf');
  });
});
