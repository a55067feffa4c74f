import { acceptAlert, decodePostableAlerts, isUri, parseDateTime } from '../../../src/notify/api/postable';
import { matchRoutes } from '../../../src/notify/dispatch/route';
import { inhibitedBy } from '../../../src/notify/inhibit/inhibit';
import { parseMatcher } from '../../../src/notify/matchers-parse';
import { boolParam, compareAlerts, labelSetBefore, matchesFilter } from '../../../src/notify/api/v2';
import type { NotifyAlert } from '../../../src/notify/alert';
import { standInDefaultConfig } from '../../support/static-notify-config';

const labels = (o: Record<string, string>) => new Map(Object.entries(o));

describe('strfmt date-times and URIs as Alertmanager reads them', () => {
  it.each([
    ['2026-12-03T16:00:00Z', Date.UTC(2026, 11, 3, 16)],
    ['2026-12-03T16:00:00.1234567891Z', Date.UTC(2026, 11, 3, 16, 0, 0, 123)],
    ['2026-12-03T18:00:00+02:00', Date.UTC(2026, 11, 3, 16)],
    ['2026-12-03T16:00:00', Date.UTC(2026, 11, 3, 16)],
    ['2026-12-03 16:00:00', Date.UTC(2026, 11, 3, 16)],
    ['2026-12-03T16:00Z', Date.UTC(2026, 11, 3, 16)],
    ['2026-12-03T16:00', Date.UTC(2026, 11, 3, 16)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['', 0],
  ])('%j parses', (text, ms) => expect(parseDateTime(text)).toBe(ms));

  it.each(['bad', '2026-13-03T16:00:00Z', '2026-02-30T16:00:00Z', '2025-02-29T00:00:00Z', '2026-12-03t16:00:00z', '2026-12-03T24:00:00Z'])('%j is refused', (text) =>
    expect(parseDateTime(text)).toBeUndefined(),
  );

  it('year 1 and years below 100 are not shifted to the 1900s', () => {
    expect(new Date(parseDateTime('0050-01-01T00:00:00Z')!).getUTCFullYear()).toBe(50);
  });

  it.each([
    ['/path', true],
    ['http://ok/x?y=1', true],
    ['mailto:a@b', true],
    ['relative/x', false],
    ['http://x y', false],
    ['http://[bad', false],
  ])('uri %j: %s', (text, valid) => expect(isUri(text)).toBe(valid));
});

describe('decoding and accepting posted alerts', () => {
  it('null is an empty batch; a non-array, a non-string label and a bad time refuse the whole body', () => {
    expect(decodePostableAlerts(null)).toEqual({ ok: true, alerts: [] });
    expect(decodePostableAlerts({})).toMatchObject({ ok: false, error: { status: 400 } });
    expect(decodePostableAlerts([{ labels: { a: 1 } }])).toMatchObject({ ok: false, error: { status: 400 } });
    expect(decodePostableAlerts([{ labels: { a: 'b' }, endsAt: 'x' }])).toMatchObject({ ok: false, error: { body: { message: expect.stringContaining('endsAt') } } });
    expect(decodePostableAlerts([{ labels: { a: 'b' } }, { labels: null }])).toMatchObject({ ok: false, error: { status: 422, body: { code: 602 } } });
  });

  it('user-chosen names never reach a prototype; lone surrogates become U+FFFD as Go decodes them', () => {
    const decoded = decodePostableAlerts(JSON.parse('[{"labels":{"__proto__":"p","a":"\\ud800"}}]'));
    expect(decoded.ok && [...decoded.alerts[0]!.labels]).toEqual([
      ['__proto__', 'p'],
      ['a', '\ufffd'],
    ]);
  });

  it('defaults: startsAt now (or endsAt), endsAt now + resolve_timeout not given; empty labels dropped', () => {
    const now = 1_000_000;
    expect(acceptAlert({ labels: labels({ a: 'b', e: '' }), annotations: new Map(), generatorURL: '' }, now, 300_000)).toMatchObject({
      startsAtMs: now,
      endsAtMs: now + 300_000,
      endsAtGiven: false,
      updatedAtMs: now,
      labels: labels({ a: 'b' }),
    });
    expect(acceptAlert({ labels: labels({ a: 'b' }), annotations: new Map(), endsAtMs: now - 5, generatorURL: '' }, now, 300_000)).toMatchObject({ startsAtMs: now - 5, endsAtGiven: true });
    expect(acceptAlert({ labels: labels({ e: '' }), annotations: new Map(), generatorURL: '' }, now, 1)).toBe('at least one label pair required');
  });
});

describe('API v2 filters, order and the routing stand-ins', () => {
  it('boolean parameters as go-swagger converts them', () => {
    expect([boolParam(undefined, true), boolParam('', false), boolParam('Yes', false), boolParam('maybe', true), boolParam('0', true)]).toEqual([true, false, true, false, false]);
  });

  it('filter matchers skip an empty value on a present (!=) or absent (=) label', () => {
    expect(matchesFilter([parseMatcher('team!=""')], labels({ team: 'a' }))).toBe(true);
    expect(matchesFilter([parseMatcher('zone=')], labels({ a: 'b' }))).toBe(true);
    expect(matchesFilter([parseMatcher('zone=')], labels({ zone: 'z' }))).toBe(false);
    expect(matchesFilter([parseMatcher('a=~"b|c"')], labels({ a: 'c' }))).toBe(true);
  });

  it('parseMatcher: quoted values with escapes, Alertmanager\'s errors', () => {
    expect(parseMatcher('a="x\\"y\\\\z\\n"').value).toBe('x"y\\z\n');
    expect(() => parseMatcher('bad')).toThrow('bad matcher format: bad');
    expect(() => parseMatcher('a="x')).toThrow('matcher value contains unescaped double quote: "x');
    expect(() => parseMatcher('a=~"("')).toThrow('error parsing regexp: missing closing )');
  });

  it('LabelSet.Before and AlertSlice order (job, instance, then labels)', () => {
    expect(labelSetBefore(labels({ a: '1' }), labels({ a: '1', b: '1' }))).toBe(true);
    // Go's order: the first name (of both sets) one lacks decides, even when the other set lacks one too.
    expect(labelSetBefore(labels({ a: '1', c: '1' }), labels({ a: '1', b: '1' }))).toBe(true);
    expect(labelSetBefore(labels({ a: '2' }), labels({ a: '1' }))).toBe(false);
    const alert = (l: Record<string, string>) => ({ labels: labels(l) }) as unknown as NotifyAlert;
    expect(compareAlerts(alert({ job: 'b' }), alert({ job: 'a', x: 'y' }))).toBe(1);
    expect(compareAlerts(alert({ x: 'y' }), alert({ job: 'a' }))).toBe(1);
  });

  it('matchRoutes: the root when no child matches; continue goes on', () => {
    const root = standInDefaultConfig().route;
    const child = (receiver: string, cont: boolean) => ({ ...root, id: receiver, receiver, continue: cont, matchers: [parseMatcher('a="1"')] });
    const tree = { ...root, routes: [child('x', true), child('y', false), child('z', false)] };
    expect(matchRoutes(tree, labels({ a: '1' })).map((r) => r.receiver)).toEqual(['x', 'y']);
    expect(matchRoutes(tree, labels({ a: '2' })).map((r) => r.receiver)).toEqual(['default']);
  });

  it('inhibitedBy: a firing source with equal labels; not an alert that is source and target itself', () => {
    const rule = { sourceMatchers: [parseMatcher('s="crit"')], targetMatchers: [parseMatcher('s=~"crit|minor"')], equal: ['n'] };
    const mk = (fp: string, l: Record<string, string>, endsAtMs = 10): NotifyAlert =>
      ({ fingerprint: fp, labels: labels(l), endsAtMs }) as unknown as NotifyAlert;
    const source = mk('01', { s: 'crit', n: '1' });
    const target = mk('02', { s: 'minor', n: '1' });
    expect(inhibitedBy([rule], [source, target], target.labels, 0)).toBe('01');
    expect(inhibitedBy([rule], [source, target], source.labels, 0)).toBeUndefined();
    expect(inhibitedBy([rule], [mk('01', { s: 'crit', n: '1' }, 0), target], target.labels, 0)).toBeUndefined();
    expect(inhibitedBy([rule], [mk('03', { s: 'crit', n: '2' }), target], target.labels, 0)).toBeUndefined();
  });
});
