import fc from 'fast-check';
import { fingerprint } from '../../../../src/alerting/state/alert-labels';
import type { NotifyAlert } from '../../../../src/notify/alert';
import { matchesAll, type Matcher, type MatchType } from '../../../../src/notify/matchers';
import { FilterError, apiFromMatcher, compileMatcher, matcherFromApi, parseFilterMatcher } from '../../../../src/notify/silence/matchers';
import { silenceMatchesFilter, sortSilences } from '../../../../src/notify/silence/query';
import { canUpdate, expired, planSet, type SilenceInput } from '../../../../src/notify/silence/set';
import { silenceState, type Silence } from '../../../../src/notify/silence/silence';
import { compileSilence, pendingSilencesFor, silencedBy } from '../../../../src/notify/silence/silenced-by';
import { decideUntilResolved } from '../../../../src/notify/silence/until-resolved';
import { SilenceInvalidError, validateMatchers, validateTimes } from '../../../../src/notify/silence/validate';

const NOW = 1_800_000_000_000;
const m = (name: string, type: MatchType, value: string): Matcher => ({ name, type, value });
const labels = (o: Record<string, string>) => new Map(Object.entries(o));

function silence(id: string, matchers: Matcher[], startsAtMs = NOW - 1000, endsAtMs = NOW + 3_600_000, untilResolved = false): Silence {
  return { id, matchers, startsAtMs, endsAtMs, updatedAtMs: startsAtMs, createdBy: 'me', comment: 'c', untilResolved };
}

function alert(l: Record<string, string>, startsAtMs: number, endsAtMs: number): NotifyAlert {
  const set = labels(l);
  return { fingerprint: fingerprint(set), labels: set, annotations: new Map(), startsAtMs, endsAtMs, endsAtGiven: true, updatedAtMs: startsAtMs, generatorURL: '', origin: 'api' };
}

function refusal(f: () => void): string {
  try {
    f();
  } catch (err) {
    if (err instanceof SilenceInvalidError || err instanceof FilterError) return err.message;
    throw err;
  }
  return 'accepted';
}

describe('silence validation (Alertmanager 0.25 messages)', () => {
  it.each<[Matcher[], string]>([
    [[m('a', '=', 'b')], 'accepted'],
    [[], 'silence invalid: at least one matcher required'],
    [[m('a', '=', '')], 'silence invalid: at least one matcher must not match the empty string'],
    [[m('a', '=~', '.*')], 'silence invalid: at least one matcher must not match the empty string'],
    [[m('a', '=~', 'x|')], 'silence invalid: at least one matcher must not match the empty string'],
    [[m('a', '=~', '.*'), m('b', '=', 'c')], 'accepted'],
    [[m('a', '!=', '')], 'accepted'],
    [[m('a', '!~', '.+')], 'accepted'],
    [[m('a-b', '=', 'x')], 'silence invalid: invalid label matcher 0: invalid label name "a-b"'],
    [[m('a', '=', 'x'), m('', '=', 'x')], 'silence invalid: invalid label matcher 1: invalid label name ""'],
    [[m('a', '=~', '(')], 'silence invalid: invalid label matcher 0: invalid regular expression "(": error parsing regexp: missing closing ): `(`'],
  ])('%j -> %s', (matchers, expected) => {
    expect(refusal(() => validateMatchers(matchers))).toBe(expected);
  });

  it('times: start before end, end not in the past', () => {
    expect(refusal(() => validateTimes(NOW, NOW + 1, NOW))).toBe('accepted');
    expect(refusal(() => validateTimes(NOW, NOW, NOW))).toBe('Failed to create silence: start time must be before end time');
    expect(refusal(() => validateTimes(NOW + 5, NOW, NOW))).toBe('Failed to create silence: start time must be before end time');
    expect(refusal(() => validateTimes(NOW - 10, NOW - 1, NOW))).toBe("Failed to create silence: end time can't be in the past");
    expect(refusal(() => validateTimes(Number.NaN, NOW, NOW))).not.toBe('accepted');
  });
});

describe('API matchers', () => {
  it('round-trips the four kinds', () => {
    for (const type of ['=', '!=', '=~', '!~'] as const) {
      expect(matcherFromApi(apiFromMatcher(m('a', type, 'b')))).toEqual(m('a', type, 'b'));
    }
  });

  it('regexes are anchored RE2; a missing label is the empty string', () => {
    expect(compileMatcher(m('a', '=~', 'b+')).matches('xbbb')).toBe(false);
    expect(compileMatcher(m('a', '=~', 'b+')).matches('bbb')).toBe(true);
    expect(compileMatcher(m('a', '!~', 'b|c')).matches('')).toBe(true);
    expect(matchesAll([compileMatcher(m('a', '!=', 'x'))], labels({}))).toBe(true);
    expect(matchesAll([compileMatcher(m('a', '=', ''))], labels({ a: 'y' }))).toBe(false);
  });

  it.each<[string, string | [string, string, string]]>([
    ['a=b', ['a', '=', 'b']],
    ['a="b"', ['a', '=', 'b']],
    [' a =~ "x.*" ', ['a', '=~', 'x.*']],
    ['a!="b\\"c"', ['a', '!=', 'b"c']],
    ['a==', ['a', '=', '=']],
    ['a=\\d', ['a', '=', '\\d']],
    ['a="b', 'matcher value contains unescaped double quote: "b'],
    ['a=b"c', 'matcher value contains unescaped double quote: b"c'],
    ['{a="b"}', 'bad matcher format: {a="b"}'],
    ['a', 'bad matcher format: a'],
    ['', 'bad matcher format: '],
  ])('filter %s', (text, expected) => {
    if (typeof expected === 'string') {
      expect(refusal(() => parseFilterMatcher(text))).toBe(expected);
    } else {
      const parsed = parseFilterMatcher(text);
      expect([parsed.name, parsed.type, parsed.value]).toEqual(expected);
    }
  });
});

describe('silencedBy', () => {
  const s1 = compileSilence(silence('b', [m('job', '=', 'api')]));
  const s2 = compileSilence(silence('a', [m('job', '=~', 'api|db'), m('env', '!=', 'dev')]));
  const pending = compileSilence(silence('c', [m('job', '=', 'api')], NOW + 1000));
  const over = compileSilence(silence('d', [m('job', '=', 'api')], NOW - 5000, NOW));

  it('lists the active silences matching, sorted; pending and expired ones do not mute', () => {
    expect(silencedBy([s1, s2, pending, over], labels({ job: 'api' }), NOW)).toEqual(['a', 'b']);
    expect(silencedBy([s1, s2, pending, over], labels({ job: 'api', env: 'dev' }), NOW)).toEqual(['b']);
    expect(silencedBy([s1, s2], labels({ job: 'web' }), NOW)).toEqual([]);
    expect(pendingSilencesFor([s1, s2, pending, over], labels({ job: 'api' }), NOW)).toEqual(['c']);
  });

  it('property: the result is exactly the active silences whose every matcher matches', () => {
    const name = fc.constantFrom('a', 'b', 'c');
    const value = fc.constantFrom('', 'x', 'y', 'xy');
    const matcher = fc.record({ name, type: fc.constantFrom<MatchType>('=', '!=', '=~', '!~'), value: fc.constantFrom('x', 'y', 'x|y', '.*', 'x.*', '') });
    const sil = fc.record({ matchers: fc.array(matcher, { minLength: 1, maxLength: 3 }), start: fc.integer({ min: -10, max: 10 }), len: fc.integer({ min: 1, max: 20 }) });
    fc.assert(
      fc.property(fc.array(sil, { maxLength: 6 }), fc.dictionary(name, value), (defs, lset) => {
        const silences = defs.map((d, i) => compileSilence(silence(`s${i}`, d.matchers, NOW + d.start, NOW + d.start + d.len)));
        const got = silencedBy(silences, labels(lset), NOW);
        const expected = silences
          .filter((s) => s.startsAtMs <= NOW && s.endsAtMs > NOW)
          .filter((s) => s.matchers.every((mm) => compileMatcher(mm).matches(lset[mm.name] ?? '')))
          .map((s) => s.id)
          .sort();
        expect(got).toEqual(expected);
      }),
    );
  });
});

describe('GET filter and order', () => {
  it('lists a silence when it has a matcher equivalent to each filter (name, type, value), as Alertmanager 0.25', () => {
    const s = silence('x', [m('alertname', '=', 'Foo'), m('job', '=~', 'api.*'), m('env', '!=', '')]);
    expect(silenceMatchesFilter(s, [])).toBe(true);
    expect(silenceMatchesFilter(s, [parseFilterMatcher('alertname=Foo')])).toBe(true);
    expect(silenceMatchesFilter(s, [parseFilterMatcher('job=~"api.*"'), parseFilterMatcher('env!=""')])).toBe(true);
    // Matching is not enough: job="api.*" is not job=~"api.*", and alertname=~"F.*" is no matcher of the silence.
    expect(silenceMatchesFilter(s, [parseFilterMatcher('job="api.*"')])).toBe(false);
    expect(silenceMatchesFilter(s, [parseFilterMatcher('alertname=~"F.*"')])).toBe(false);
    expect(silenceMatchesFilter(s, [parseFilterMatcher('other=""')])).toBe(false);
    expect(silenceMatchesFilter(s, [parseFilterMatcher('alertname=Foo'), parseFilterMatcher('job=x')])).toBe(false);
  });

  it('active by end, pending by start, expired latest first', () => {
    const list = [
      silence('e1', [], NOW - 10_000, NOW - 5000),
      silence('p2', [], NOW + 9000, NOW + 10_000),
      silence('a2', [], NOW - 1000, NOW + 9000),
      silence('e2', [], NOW - 10_000, NOW - 1000),
      silence('a1', [], NOW - 1000, NOW + 5000),
      silence('p1', [], NOW + 5000, NOW + 10_000),
    ];
    expect(sortSilences(list, NOW).map((s) => s.id)).toEqual(['a1', 'a2', 'p1', 'p2', 'e2', 'e1']);
  });
});

describe('set and expire (Silences.Set / expire)', () => {
  const input = (over: Partial<SilenceInput> = {}): SilenceInput => ({
    matchers: [m('a', '=', 'b')],
    startsAtMs: NOW - 1000,
    endsAtMs: NOW + 3_600_000,
    createdBy: 'me',
    comment: 'c',
    untilResolved: false,
    ...over,
  });

  it('a new silence starts no earlier than now', () => {
    const plan = planSet(undefined, input(), NOW);
    expect(plan).toEqual({ kind: 'create', silence: expect.objectContaining({ startsAtMs: NOW, updatedAtMs: NOW }) });
  });

  it('an active silence keeps its id when only its end or comment changes', () => {
    const prev = silence('x', [m('a', '=', 'b')], NOW - 1000);
    expect(canUpdate(prev, input({ endsAtMs: NOW + 10, comment: 'other' }), NOW)).toBe(true);
    expect(planSet(prev, input({ endsAtMs: NOW + 10 }), NOW)).toEqual({ kind: 'update', silence: expect.objectContaining({ id: 'x', endsAtMs: NOW + 10 }) });
  });

  it('new matchers or a new start of an active silence: a new silence, the old one expired', () => {
    const prev = silence('x', [m('a', '=', 'b')], NOW - 1000);
    expect(planSet(prev, input({ matchers: [m('a', '=', 'c')] }), NOW)).toEqual({ kind: 'create', silence: expect.anything(), expirePrevious: 'x' });
    expect(planSet(prev, input({ startsAtMs: NOW - 5000 }), NOW)).toMatchObject({ kind: 'create', expirePrevious: 'x' });
  });

  it('a pending silence may move its start to a future time; an expired one is replaced, not expired again', () => {
    const prev = silence('x', [m('a', '=', 'b')], NOW + 1000);
    expect(planSet(prev, input({ startsAtMs: NOW + 5000 }), NOW).kind).toBe('update');
    const old = silence('y', [m('a', '=', 'b')], NOW - 5000, NOW - 1000);
    expect(planSet(old, input(), NOW)).toEqual({ kind: 'create', silence: expect.anything() });
  });

  it('expire: active ends now, pending starts and ends now, expired stays', () => {
    expect(expired(silence('x', [], NOW - 5), NOW)).toMatchObject({ startsAtMs: NOW - 5, endsAtMs: NOW });
    const p = expired(silence('x', [], NOW + 5), NOW);
    expect(p).toMatchObject({ startsAtMs: NOW, endsAtMs: NOW });
    expect(silenceState(p!, NOW)).toBe('expired');
    expect(expired(silence('x', [], NOW - 10, NOW - 5), NOW)).toBeUndefined();
  });
});

describe('until_resolved', () => {
  const base = compileSilence(silence('u', [m('job', '=', 'api')], NOW - 60_000, NOW + 3_600_000, true));

  it('waits while nothing it matches has fired', () => {
    expect(decideUntilResolved(base, [], false, NOW)).toEqual({ action: 'keep', muting: false });
    expect(decideUntilResolved(base, [alert({ job: 'web' }, NOW - 1000, NOW + 5000)], false, NOW)).toEqual({ action: 'keep', muting: false });
    // Resolved before the silence started: never muted by it.
    expect(decideUntilResolved(base, [alert({ job: 'api' }, NOW - 90_000, NOW - 70_000)], false, NOW)).toEqual({ action: 'keep', muting: false });
  });

  it('keeps while a muted alert fires', () => {
    const alerts = [alert({ job: 'api', i: '1' }, NOW - 30_000, NOW - 10_000), alert({ job: 'api', i: '2' }, NOW - 30_000, NOW + 300_000)];
    expect(decideUntilResolved(base, alerts, false, NOW)).toEqual({ action: 'keep', muting: true });
  });

  it('ends when the last muted alert resolved, at that moment', () => {
    const alerts = [alert({ job: 'api', i: '1' }, NOW - 30_000, NOW - 10_000), alert({ job: 'api', i: '2' }, NOW - 30_000, NOW - 2000)];
    expect(decideUntilResolved(base, alerts, false, NOW)).toEqual({ action: 'end', endsAtMs: NOW - 2000 });
  });

  it('ends now when it muted before and its alerts are gone', () => {
    expect(decideUntilResolved(base, [], true, NOW)).toEqual({ action: 'end', endsAtMs: NOW });
  });

  it('a silence without until_resolved, or not active, is never ended', () => {
    const plain = compileSilence(silence('p', [m('job', '=', 'api')], NOW - 60_000, NOW + 3_600_000, false));
    expect(decideUntilResolved(plain, [], true, NOW)).toEqual({ action: 'keep', muting: false });
    const pending = compileSilence(silence('q', [m('job', '=', 'api')], NOW + 1000, NOW + 3_600_000, true));
    expect(decideUntilResolved(pending, [], true, NOW)).toEqual({ action: 'keep', muting: false });
  });

  it('property: an end is never before the start nor after now, and never while a matching alert fires', () => {
    const arb = fc.array(fc.record({ job: fc.constantFrom('api', 'web'), start: fc.integer({ min: -100_000, max: 0 }), len: fc.integer({ min: 1, max: 200_000 }) }), { maxLength: 5 });
    fc.assert(
      fc.property(arb, fc.boolean(), (defs, before) => {
        const alerts = defs.map((d, i) => alert({ job: d.job, i: String(i) }, NOW + d.start, NOW + d.start + d.len));
        const decision = decideUntilResolved(base, alerts, before, NOW);
        const firing = alerts.some((a) => a.labels.get('job') === 'api' && a.endsAtMs > NOW);
        if (decision.action === 'end') {
          expect(firing).toBe(false);
          expect(decision.endsAtMs).toBeGreaterThanOrEqual(base.startsAtMs);
          expect(decision.endsAtMs).toBeLessThanOrEqual(NOW);
        } else if (firing) {
          expect(decision.muting).toBe(true);
        }
      }),
    );
  });
});
