import fc from 'fast-check';
import { decodePostableSilence, gettableSilence, goJson } from '../../../../src/rest/alertmanager/silence-json';

const good = { matchers: [{ name: 'a', value: 'b', isRegex: false }], startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T01:00:00.5+01:00', createdBy: 'me', comment: 'c' };

describe('PostableSilence decoding', () => {
  it('reads a silence: isEqual defaults to true, times in any RFC 3339 offset', () => {
    const decoded = decodePostableSilence({ ...good, matchers: [{ name: 'a', value: 'x.*', isRegex: true, isEqual: false }] });
    expect(decoded).toEqual({
      ok: true,
      input: { matchers: [{ name: 'a', type: '!~', value: 'x.*' }], startsAtMs: Date.parse('2026-01-01T00:00:00Z'), endsAtMs: Date.parse('2026-01-01T00:00:00.500Z'), createdBy: 'me', comment: 'c' },
    });
    expect(decodePostableSilence(good)).toMatchObject({ ok: true, input: { matchers: [{ type: '=' }] } });
  });

  it('an empty id is a new silence; untilResolved only when given', () => {
    expect(decodePostableSilence({ ...good, id: '' })).toMatchObject({ ok: true, input: expect.not.objectContaining({ id: expect.anything() }) });
    expect(decodePostableSilence({ ...good, untilResolved: true })).toMatchObject({ ok: true, input: { untilResolved: true } });
    expect(decodePostableSilence({ ...good, untilResolved: 'yes' })).toMatchObject({ ok: false, refusal: { status: 400 } });
  });

  it('null is absent, as Go decodes it', () => {
    expect(decodePostableSilence({ ...good, comment: null })).toEqual({ ok: false, refusal: { status: 422, body: { code: 602, message: 'comment in body is required' } } });
  });

  it('lone surrogates become U+FFFD, as Go decodes them', () => {
    const decoded = decodePostableSilence({ ...good, comment: 'x\ud800y', matchers: [{ name: 'a', value: '\udc00', isRegex: false }] });
    expect(decoded).toMatchObject({ ok: true, input: { comment: 'x\ufffdy', matchers: [{ value: '\ufffd' }] } });
  });

  it('refuses what is not an object, a bad time, a bad matcher entry', () => {
    expect(decodePostableSilence([])).toMatchObject({ ok: false, refusal: { status: 400 } });
    expect(decodePostableSilence('x')).toMatchObject({ ok: false, refusal: { status: 400 } });
    expect(decodePostableSilence({ ...good, startsAt: '2026-02-30T00:00:00Z' })).toMatchObject({ ok: false, refusal: { status: 400 } });
    expect(decodePostableSilence({ ...good, matchers: 'a=b' })).toMatchObject({ ok: false, refusal: { status: 400 } });
    expect(decodePostableSilence({ ...good, matchers: [5] })).toMatchObject({ ok: false, refusal: { status: 400 } });
  });
});

describe('decoding is total', () => {
  it('property: any JSON value is decoded or refused with a 400/422, never thrown', () => {
    const matcher = fc.record({ name: fc.oneof(fc.string(), fc.jsonValue()), value: fc.oneof(fc.string(), fc.jsonValue()), isRegex: fc.oneof(fc.boolean(), fc.jsonValue()) }, { requiredKeys: [] });
    const silence = fc.record(
      {
        id: fc.oneof(fc.uuid(), fc.jsonValue()),
        matchers: fc.oneof(fc.array(matcher), fc.jsonValue()),
        startsAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.jsonValue()),
        endsAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.jsonValue()),
        createdBy: fc.oneof(fc.string(), fc.jsonValue()),
        comment: fc.oneof(fc.string(), fc.jsonValue()),
        untilResolved: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(silence, fc.jsonValue()), (body) => {
        const decoded = decodePostableSilence(body);
        if (!decoded.ok) expect([400, 422]).toContain(decoded.refusal.status);
        else expect(Number.isFinite(decoded.input.startsAtMs) && Number.isFinite(decoded.input.endsAtMs)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('GettableSilence', () => {
  it('writes Alertmanager fields in order, Go escapes', () => {
    const silence = { id: 'x', matchers: [{ name: 'a', type: '=~' as const, value: '<b>&' }], startsAtMs: 0, endsAtMs: 1000, updatedAtMs: 0, createdBy: 'me', comment: 'c', untilResolved: false };
    const json = goJson(gettableSilence(silence, 500));
    expect(json).toBe(
      '{"id":"x","status":{"state":"active"},"updatedAt":"1970-01-01T00:00:00.000Z","comment":"c","createdBy":"me","endsAt":"1970-01-01T00:00:01.000Z","matchers":[{"isEqual":true,"isRegex":true,"name":"a","value":"\\u003cb\\u003e\\u0026"}],"startsAt":"1970-01-01T00:00:00.000Z"}',
    );
    expect(gettableSilence({ ...silence, untilResolved: true }, 500)).toHaveProperty('untilResolved', true);
  });
});
