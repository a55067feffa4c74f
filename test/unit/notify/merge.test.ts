import type { NotifyAlert } from '../../../src/notify/alert';
import { mergeAlerts, mergeWithStored } from '../../../src/notify/provider/merge';

const NOW = 1_000_000;
const base: NotifyAlert = {
  fingerprint: '0123456789abcdef',
  labels: new Map([['alertname', 'A']]),
  annotations: new Map(),
  startsAtMs: NOW - 100,
  endsAtMs: NOW + 300_000,
  endsAtGiven: false,
  updatedAtMs: NOW - 100,
  generatorURL: '',
  origin: 'api',
};
const alert = (changes: Partial<NotifyAlert>): NotifyAlert => ({ ...base, ...changes });

describe('mergeAlerts (Alertmanager types.Alert.Merge)', () => {
  it('keeps the younger alert, with the earliest start', () => {
    const older = alert({ startsAtMs: NOW - 500, updatedAtMs: NOW - 50, annotations: new Map([['s', 'old']]) });
    const younger = alert({ startsAtMs: NOW - 10, updatedAtMs: NOW, annotations: new Map([['s', 'new']]) });
    for (const merged of [mergeAlerts(older, younger, NOW), mergeAlerts(younger, older, NOW)]) {
      expect(merged.annotations.get('s')).toBe('new');
      expect(merged.startsAtMs).toBe(NOW - 500);
      expect(merged.updatedAtMs).toBe(NOW);
    }
  });

  it('a firing younger alert takes a later explicit end of the older one, not a timed-out one', () => {
    const older = alert({ endsAtMs: NOW + 900_000, endsAtGiven: true, updatedAtMs: NOW - 1 });
    const younger = alert({ endsAtMs: NOW + 300_000, endsAtGiven: false, updatedAtMs: NOW });
    expect(mergeAlerts(older, younger, NOW).endsAtMs).toBe(NOW + 900_000);
    expect(mergeAlerts(older, younger, NOW).endsAtGiven).toBe(false);
    expect(mergeAlerts({ ...older, endsAtGiven: false }, younger, NOW).endsAtMs).toBe(NOW + 300_000);
  });

  it('a resolved younger alert wins over a firing older one; of two resolved ones the later end wins', () => {
    const firing = alert({ endsAtMs: NOW + 900_000, endsAtGiven: true, updatedAtMs: NOW - 1 });
    const resolved = alert({ endsAtMs: NOW - 5, endsAtGiven: true, updatedAtMs: NOW });
    expect(mergeAlerts(firing, resolved, NOW).endsAtMs).toBe(NOW - 5);
    const resolvedLater = alert({ endsAtMs: NOW - 2, endsAtGiven: true, updatedAtMs: NOW - 1 });
    expect(mergeAlerts(resolvedLater, resolved, NOW).endsAtMs).toBe(NOW - 2);
  });
});

describe('mergeWithStored (provider/mem Alerts.Put)', () => {
  it('stores the alert as it is when nothing is stored or the ranges do not overlap', () => {
    const incoming = alert({ startsAtMs: NOW + 10, updatedAtMs: NOW });
    expect(mergeWithStored(undefined, incoming, NOW)).toBe(incoming);
    const old = alert({ startsAtMs: NOW - 900, endsAtMs: NOW - 800, updatedAtMs: NOW - 800, endsAtGiven: true });
    expect(mergeWithStored(old, incoming, NOW)).toBe(incoming);
  });

  it('merges overlapping ranges: a resolution keeps the original start', () => {
    const firing = alert({ startsAtMs: NOW - 900, endsAtMs: NOW + 300_000, updatedAtMs: NOW - 900 });
    const resolution = alert({ startsAtMs: NOW - 10, endsAtMs: NOW - 10, endsAtGiven: true, updatedAtMs: NOW });
    const merged = mergeWithStored(firing, resolution, NOW);
    expect([merged.startsAtMs, merged.endsAtMs]).toEqual([NOW - 900, NOW - 10]);
  });
});
