import fc from 'fast-check';
import { fingerprint } from '../../../../src/alerting/state/alert-labels';
import type { NotifyAlert } from '../../../../src/notify/alert';
import type { InhibitRule } from '../../../../src/notify/config/model';
import type { MatchType } from '../../../../src/notify/matchers';
import { Inhibitor, inhibitedBy } from '../../../../src/notify/inhibit/inhibit';
import { compileMatcher } from '../../../../src/notify/silence/matchers';

const NOW = 1_800_000_000_000;
const labels = (o: Record<string, string>) => new Map(Object.entries(o));
const cm = (name: string, type: MatchType, value: string) => compileMatcher({ name, type, value });

function alert(l: Record<string, string>, resolved = false): NotifyAlert {
  const set = labels(l);
  return {
    fingerprint: fingerprint(set),
    labels: set,
    annotations: new Map(),
    startsAtMs: NOW - 60_000,
    endsAtMs: resolved ? NOW - 1 : NOW + 300_000,
    endsAtGiven: false,
    updatedAtMs: NOW - 60_000,
    generatorURL: '',
    origin: 'api',
  };
}

const criticalMutesWarning: InhibitRule = {
  sourceMatchers: [cm('severity', '=', 'critical')],
  targetMatchers: [cm('severity', '=', 'warning')],
  equal: ['cluster'],
};

describe('Inhibitor (inhibit.go semantics)', () => {
  it('a firing source with equal labels mutes the target, naming the source', () => {
    const source = alert({ alertname: 'Down', severity: 'critical', cluster: 'c1' });
    expect(inhibitedBy([criticalMutesWarning], [source], labels({ alertname: 'Slow', severity: 'warning', cluster: 'c1' }), NOW)).toBe(source.fingerprint);
    expect(inhibitedBy([criticalMutesWarning], [source], labels({ alertname: 'Slow', severity: 'warning', cluster: 'c2' }), NOW)).toBeUndefined();
    expect(inhibitedBy([criticalMutesWarning], [source], labels({ alertname: 'Slow', severity: 'info', cluster: 'c1' }), NOW)).toBeUndefined();
  });

  it('an equal label absent on both sides is equal (empty)', () => {
    const source = alert({ alertname: 'Down', severity: 'critical' });
    expect(inhibitedBy([criticalMutesWarning], [source], labels({ severity: 'warning' }), NOW)).toBe(source.fingerprint);
    expect(inhibitedBy([criticalMutesWarning], [source], labels({ severity: 'warning', cluster: 'x' }), NOW)).toBeUndefined();
  });

  it('a resolved source inhibits nothing', () => {
    const source = alert({ severity: 'critical', cluster: 'c1' }, true);
    expect(inhibitedBy([criticalMutesWarning], [source], labels({ severity: 'warning', cluster: 'c1' }), NOW)).toBeUndefined();
  });

  it('two-sided rule: alerts matching both sides never inhibit each other or themselves', () => {
    const rule: InhibitRule = { sourceMatchers: [cm('alertname', '=~', 'A|B')], targetMatchers: [cm('alertname', '=~', 'B|C')], equal: [] };
    const a = alert({ alertname: 'A' });
    const b = alert({ alertname: 'B' });
    const inhibitor = new Inhibitor([rule], [a, b], NOW);
    // B is on both sides: only A (source only) may inhibit it.
    expect(inhibitor.inhibitedBy(b.labels)).toBe(a.fingerprint);
    expect(new Inhibitor([rule], [b], NOW).inhibitedBy(b.labels)).toBeUndefined();
    expect(inhibitor.inhibitedBy(labels({ alertname: 'C' }))).toBe([a.fingerprint, b.fingerprint].sort()[0]);
    expect(inhibitor.inhibitedBy(a.labels)).toBeUndefined();
  });

  it('the first rule that mutes wins', () => {
    const second: InhibitRule = { sourceMatchers: [cm('alertname', '=', 'Other')], targetMatchers: [cm('severity', '=', 'warning')], equal: [] };
    const other = alert({ alertname: 'Other' });
    const crit = alert({ alertname: 'Down', severity: 'critical', cluster: 'c1' });
    expect(inhibitedBy([second, criticalMutesWarning], [crit, other], labels({ severity: 'warning', cluster: 'c1' }), NOW)).toBe(other.fingerprint);
  });

  it('property: an alert never inhibits itself', () => {
    const value = fc.constantFrom('x', 'y');
    const lset = fc.record({ a: value, b: value });
    const rule = fc.record({ s: value, t: value, eq: fc.boolean() }).map(
      (r): InhibitRule => ({ sourceMatchers: [cm('a', '=', r.s)], targetMatchers: [cm('b', '=', r.t)], equal: r.eq ? ['a'] : [] }),
    );
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 3 }), lset, (rules, l) => {
        const only = alert(l);
        expect(inhibitedBy(rules, [only], only.labels, NOW)).toBeUndefined();
      }),
    );
  });
});
