import { compareNotifications, EXPECTED, SCRIPT, SCRIPT_END_S, type Digest } from '../../support/notify-differential';

/** The differential harness's comparison finds every kind of difference, and the script keeps its margins. */
describe('compareNotifications', () => {
  const reference: Digest[] = EXPECTED.map(({ second, ...rest }) => ({ ...rest, at: second * 1000 }));
  const shifted = (ms: number) => reference.map((d) => ({ ...d, at: d.at + ms }));

  it('accepts the same sequence, shifted by less than the tolerance', () => {
    expect(compareNotifications(reference, shifted(900), 1000)).toEqual([]);
  });

  it('accepts simultaneous notifications in either order', () => {
    const swapped = [...reference];
    [swapped[0], swapped[1]] = [swapped[1] as Digest, swapped[0] as Digest];
    expect(compareNotifications(reference, swapped.map((d, i) => ({ ...d, at: (reference[i] as Digest).at + (i < 2 ? 50 - i * 40 : 0) })), 1000)).toEqual([]);
  });

  it('names a notification that is late, missing, extra, different or out of order', () => {
    expect(compareNotifications(reference, shifted(1200), 1000)).toHaveLength(reference.length);
    expect(compareNotifications(reference, reference.slice(1), 1000)).toContainEqual(expect.stringMatching(/^db\{"alertname":"DiskFull","cluster":"c1"\} #4: only alertmanager sent/));
    expect(compareNotifications(reference, [...reference, { ...(reference[0] as Digest), at: 24_000 }], 1000)[0]).toMatch(/only mymonit sent/);
    const changed = reference.map((d, i) => (i === 4 ? { ...d, alerts: d.alerts.slice(1) } : d));
    expect(compareNotifications(reference, changed, 1000)).toEqual([expect.stringMatching(/#2: alertmanager sent .* mymonit /)]);
    const resolvedInstead = reference.map((d, i) => (i === 9 ? { ...d, status: 'resolved' as const } : d));
    expect(compareNotifications(reference, resolvedInstead, 1000)).toHaveLength(1);
    // 17.5 s (default{ClusterDown}) and 18.5 s (web{w1}) swapped, each within the tolerance of its own.
    const reordered = reference.map((d) => (d.at === 17_500 ? { ...d, at: 18_300 } : d.at === 18_500 ? { ...d, at: 18_000 } : d));
    expect(compareNotifications(reference, reordered, 1000)).toEqual([expect.stringMatching(/^order: /)]);
  });

  it('the script: steps in time order, every expected notification before the script ends', () => {
    const times = SCRIPT.map((step) => step.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...EXPECTED.map((e) => e.second))).toBeLessThan(SCRIPT_END_S - 1);
  });
});
