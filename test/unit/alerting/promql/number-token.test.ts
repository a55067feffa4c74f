import { parseNumberToken } from '../../../../src/alerting/promql/literals';

describe('parseNumberToken reads numbers as Go does (ParseInt base 0, then ParseFloat)', () => {
  it('reads octal within int64 as octal', () => {
    expect(parseNumberToken('010')).toBe(8);
    expect(parseNumberToken('0777777777777777777777')).toBe(2 ** 63 - 1);
  });

  it('reads octal digits past int64 as a decimal, like ParseFloat after ParseInt fails', () => {
    expect(parseNumberToken('01000000000000000000000')).toBe(1e21);
  });
});
