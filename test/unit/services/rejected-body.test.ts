import { createHash } from 'node:crypto';
import type { RefusedMeasure } from '../../../src/domain/rejected-message';
import { keptBody, perMeasureDetail, refusedItems } from '../../../src/services/rejected-body';

const refused = (index: number, reason: RefusedMeasure['reason'] = 'unknown-experiment'): RefusedMeasure => ({
  index,
  reason,
  detail: `detail ${index}`,
});

describe('keptBody', () => {
  const limits = { maxMessageBytes: 10, rejectedBodyPrefixBytes: 4 };

  it('keeps a body within MAX_MESSAGE_BYTES whole, with its digest', () => {
    const body = Buffer.from('0123456789');
    expect(keptBody(body, limits)).toEqual({ body, truncated: false, sha256: createHash('sha256').update(body).digest() });
  });

  it('keeps only the prefix of an oversize body, and the digest of the whole', () => {
    const body = Buffer.from('0123456789A');
    expect(keptBody(body, limits)).toEqual({
      body: Buffer.from('0123'),
      truncated: true,
      sha256: createHash('sha256').update(body).digest(),
    });
  });

  it('keeps an oversize body shorter than the prefix whole', () => {
    const body = Buffer.from('0123456789A');
    expect(keptBody(body, { maxMessageBytes: 10, rejectedBodyPrefixBytes: 64 }).truncated).toBe(false);
  });
});

describe('refusedItems', () => {
  it('picks the refused items of an array or of {"measures"}, in index order, a "__proto__" key kept', () => {
    const items = [{ a: 0 }, JSON.parse('{"__proto__":{"x":1},"b":1}') as unknown, { c: 2 }];
    expect(JSON.parse(refusedItems(Buffer.from(JSON.stringify(items)), [refused(1), refused(2)]).toString())).toEqual([items[1], items[2]]);
    expect(refusedItems(Buffer.from(JSON.stringify({ measures: items })), [refused(1)]).toString()).toBe('[{"__proto__":{"x":1},"b":1}]');
  });

  it('reads a body that starts with a byte order mark, as the parser does', () => {
    expect(refusedItems(Buffer.from('\uFEFF[{"a":0},{"b":1}]'), [refused(1)]).toString()).toBe('[{"b":1}]');
  });
});

describe('perMeasureDetail', () => {
  it('counts the refused and stored measures and names the first five', () => {
    expect(perMeasureDetail([refused(6)], 8)).toBe('1 of 9 measures refused, 8 stored: [6] unknown-experiment: detail 6');
    expect(perMeasureDetail([0, 1, 2, 3, 4, 5, 6].map((i) => refused(i, 'schema-violation')), 0)).toBe(
      'all 7 measures refused: [0] schema-violation: detail 0; [1] schema-violation: detail 1; [2] schema-violation: detail 2; ' +
        '[3] schema-violation: detail 3; [4] schema-violation: detail 4; and 2 more',
    );
  });

  it('says what the one measure of a message has, alone', () => {
    expect(perMeasureDetail([refused(0)], 0)).toBe('detail 0');
  });
});
