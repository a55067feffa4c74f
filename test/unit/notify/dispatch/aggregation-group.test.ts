import { fingerprint } from '../../../../src/alerting/state/alert-labels';
import type { NotifyAlert } from '../../../../src/notify/alert';
import {
  compareStrings,
  needsUpdate,
  newGroupSchedule,
  planFlush,
  routeActiveAt,
  scheduleAfterFlush,
  scheduleOnInsert,
  sortAlerts,
  type FlushIntegration,
  type GroupSchedule,
  type GroupTiming,
  type NflogEntry,
} from '../../../../src/notify/dispatch/aggregation-group';

const S = 1_000;
const TIMING: GroupTiming = { groupWaitMs: 1 * S, groupIntervalMs: 3 * S, repeatIntervalMs: 10 * S };
const FAR = 1e15;

function alert(name: string, startsAtMs: number, endsAtMs = FAR, updatedAtMs = startsAtMs, extra: Record<string, string> = {}): NotifyAlert {
  const labels = new Map([['alertname', name], ...Object.entries(extra)]);
  return {
    fingerprint: fingerprint(labels),
    labels,
    annotations: new Map(),
    startsAtMs,
    endsAtMs,
    endsAtGiven: endsAtMs !== FAR,
    updatedAtMs,
    generatorURL: '',
    origin: 'api',
  };
}

const fp = (name: string) => fingerprint(new Map([['alertname', name]]));
const entry = (firing: string[], resolved: string[], sentAtMs: number): NflogEntry => ({
  firing: new Set(firing.map(fp)),
  resolved: new Set(resolved.map(fp)),
  sentAtMs,
  expiresAtMs: sentAtMs + 1e9,
});
const set = (...names: string[]) => new Set(names.map(fp));

describe('needsUpdate (DedupStage 0.25)', () => {
  it('first notification: only when something fires', () => {
    expect(needsUpdate(undefined, set('a'), set(), true, 10 * S, 0)).toBe(true);
    expect(needsUpdate(undefined, set(), set('a'), true, 10 * S, 0)).toBe(false);
    expect(needsUpdate(undefined, set(), set(), true, 10 * S, 0)).toBe(false);
  });
  it('a new firing alert notifies at once, whatever the repeat interval', () => {
    expect(needsUpdate(entry(['a'], [], 0), set('a', 'b'), set(), false, 10 * S, 1)).toBe(true);
  });
  it('fewer firing alerts (one resolved): only with send_resolved', () => {
    expect(needsUpdate(entry(['a', 'b'], [], 0), set('a'), set('b'), true, 10 * S, 1)).toBe(true);
    expect(needsUpdate(entry(['a', 'b'], [], 0), set('a'), set('b'), false, 10 * S, 1)).toBe(false);
    // already told about that resolution
    expect(needsUpdate(entry(['a'], ['b'], 0), set('a'), set('b'), true, 10 * S, 1)).toBe(false);
  });
  it('all resolved: notify when the last entry had firing alerts, send_resolved or not', () => {
    expect(needsUpdate(entry(['a'], [], 0), set(), set('a'), false, 10 * S, 1)).toBe(true);
    expect(needsUpdate(entry(['a'], [], 0), set(), set('a'), true, 10 * S, 1)).toBe(true);
    // fired and resolved between two flushes after the last resolution: nothing to tell
    expect(needsUpdate(entry([], ['a'], 0), set(), set('a', 'b'), true, 10 * S, 1)).toBe(false);
  });
  it('nothing new: only once repeat_interval has passed (strictly)', () => {
    expect(needsUpdate(entry(['a'], [], 0), set('a'), set(), true, 10 * S, 10 * S)).toBe(false);
    expect(needsUpdate(entry(['a'], [], 0), set('a'), set(), true, 10 * S, 10 * S + 1)).toBe(true);
  });
  it('a re-fire after a resolution is a new firing alert', () => {
    expect(needsUpdate(entry([], ['a'], 0), set('a'), set(), false, 10 * S, 1)).toBe(true);
  });
});

describe('group timers', () => {
  it('group_wait before the first flush, then group_interval keeping the phase', () => {
    const s0 = newGroupSchedule(100, TIMING);
    expect(s0).toEqual({ nextFlushAtMs: 100 + S, hasFlushed: false });
    // picked up 80 ms late: the next flush is still due + interval
    expect(scheduleAfterFlush(s0.nextFlushAtMs, s0.nextFlushAtMs + 80, TIMING)).toEqual({ nextFlushAtMs: 100 + S + 3 * S, hasFlushed: true });
  });
  it('a flush picked up a whole interval late (dead holder, restart) starts a new phase', () => {
    expect(scheduleAfterFlush(1_000, 1_000 + 3 * S, TIMING).nextFlushAtMs).toBe(1_000 + 6 * S);
    expect(scheduleAfterFlush(1_000, 1_000 + 60 * S, TIMING).nextFlushAtMs).toBe(1_000 + 63 * S);
  });
  it('an alert whose group_wait is over makes a group that never flushed flush at once', () => {
    const s0 = newGroupSchedule(10 * S, TIMING);
    expect(scheduleOnInsert(s0, { startsAtMs: 2 * S }, 10 * S, TIMING)).toEqual({ nextFlushAtMs: 10 * S, hasFlushed: false });
    // startsAt + group_wait not before now: the wait stands
    expect(scheduleOnInsert(s0, { startsAtMs: 9 * S }, 10 * S, TIMING)).toBe(s0);
    expect(scheduleOnInsert(s0, { startsAtMs: 9 * S }, 10 * S + 1, TIMING).nextFlushAtMs).toBe(10 * S + 1);
    // once flushed, never early
    const flushed: GroupSchedule = { nextFlushAtMs: 20 * S, hasFlushed: true };
    expect(scheduleOnInsert(flushed, { startsAtMs: 0 }, 15 * S, TIMING)).toBe(flushed);
  });
});

/**
 * The whole aggregation group over time, as Alertmanager runs it: a timer, the group's alert store, one
 * nflog entry per integration. Returns what each integration was sent: `t integration firing|resolved`.
 */
function simulate(
  events: Array<{ at: number; alert: NotifyAlert }>,
  until: number,
  integrations: Array<{ kind: 'webhook' | 'email'; sendResolved: boolean; failAt?: number[] }>,
  options: { muted?: (a: NotifyAlert, now: number) => boolean; active?: (now: number) => boolean } = {},
): string[] {
  const log = new Map<number, NflogEntry>();
  const alerts = new Map<string, NotifyAlert>();
  const sent: string[] = [];
  let schedule: GroupSchedule | undefined;
  const queue = [...events].sort((a, b) => a.at - b.at);
  for (let now = 0; now <= until; now += 100) {
    while (queue.length > 0 && queue[0]!.at <= now) {
      const { alert: a } = queue.shift()!;
      alerts.set(a.fingerprint, a);
      schedule ??= newGroupSchedule(now, TIMING);
      schedule = scheduleOnInsert(schedule, a, now, TIMING);
    }
    if (!schedule || schedule.nextFlushAtMs > now) continue;
    const due = schedule.nextFlushAtMs;
    const flushIntegrations: FlushIntegration[] = integrations.map((i, index) => ({
      kind: i.kind,
      index,
      sendResolved: i.sendResolved,
      ...(log.has(index) ? { last: log.get(index)! } : {}),
    }));
    const plan = planFlush({
      alerts: [...alerts.values()],
      nowMs: now,
      routeActive: options.active?.(now) ?? true,
      muted: (a) => options.muted?.(a, now) ?? false,
      integrations: flushIntegrations,
      repeatIntervalMs: TIMING.repeatIntervalMs,
      retentionMs: 1e9,
    });
    let failed = false;
    for (const send of plan.sends) {
      const index = send.integration.index;
      if (integrations[index]!.failAt?.includes(now)) {
        failed = true;
        continue;
      }
      log.set(index, send.entry);
      if (send.alerts.length > 0) {
        const names = (status: 'f' | 'r') =>
          send.alerts.filter((a) => (a.endsAtMs <= now ? 'r' : 'f') === status).map((a) => a.labels.get('alertname')).join(',');
        sent.push(`${now / S} ${send.integration.kind}${index} ${names('f')}|${names('r')}`);
      }
    }
    if (!failed) for (const r of plan.resolved) if (alerts.get(r.fingerprint) === r) alerts.delete(r.fingerprint);
    schedule = scheduleAfterFlush(due, now, TIMING);
  }
  return sent;
}

describe('aggregation group over time (group_wait 1 s, group_interval 3 s, repeat_interval 10 s)', () => {
  const hook = [{ kind: 'webhook' as const, sendResolved: true }];

  it('alerts arriving during group_wait go out together; later ones at the next interval; repeat after 10 s', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 500, alert: alert('b', 500) },
        { at: 2_000, alert: alert('c', 2_000) },
      ],
      16 * S,
      hook,
    );
    expect(sent).toEqual(['1 webhook0 a,b|', '4 webhook0 a,b,c|', '16 webhook0 a,b,c|']);
  });

  it('resolution: sent with send_resolved, the resolved alert then leaves the group', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 0, alert: alert('b', 0) },
        { at: 2_000, alert: alert('b', 0, 2_000, 2_000) },
      ],
      12 * S,
      hook,
    );
    // at 7 and 10 nothing new; the resolved b is gone after the flush at 4 (not repeated at 14)
    expect(sent).toEqual(['1 webhook0 a,b|', '4 webhook0 a|b']);
  });

  it('send_resolved false: a partial resolution is not sent; the last one is logged, not sent', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 0, alert: alert('b', 0) },
        { at: 2_000, alert: alert('b', 0, 2_000, 2_000) },
        { at: 5_000, alert: alert('a', 0, 5_000, 5_000) },
        { at: 8_000, alert: alert('a', 8_000) },
      ],
      12 * S,
      [
        { kind: 'webhook', sendResolved: false },
        { kind: 'email', sendResolved: true },
      ],
    );
    expect(sent).toEqual(['1 webhook0 a,b|', '1 email1 a,b|', '4 email1 a|b', '7 email1 |a', '10 webhook0 a|', '10 email1 a|']);
  });

  it('a group whose alerts arrive resolved sends nothing and empties', () => {
    expect(simulate([{ at: 0, alert: alert('a', -5_000, -1_000, 0) }], 10 * S, hook)).toEqual([]);
  });

  it('an alert that started long ago flushes a new group at once', () => {
    expect(simulate([{ at: 5_000, alert: alert('a', 0) }], 6 * S, hook)).toEqual(['5 webhook0 a|']);
  });

  it('fired and resolved between flushes after a resolution: nothing', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 2_000, alert: alert('a', 0, 2_000, 2_000) },
        { at: 4_200, alert: alert('b', 4_200) },
        { at: 5_000, alert: alert('b', 4_200, 5_000, 5_000) },
      ],
      12 * S,
      hook,
    );
    expect(sent).toEqual(['1 webhook0 a|', '4 webhook0 |a']);
  });

  it('re-firing after a sent resolution is a new notification', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 2_000, alert: alert('a', 0, 2_000, 2_000) },
        { at: 5_000, alert: alert('a', 5_000) },
      ],
      8 * S,
      hook,
    );
    expect(sent).toEqual(['1 webhook0 a|', '4 webhook0 |a', '7 webhook0 a|']);
  });

  it('a failed integration keeps the resolved alerts in the group: sent at the next flush', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 2_000, alert: alert('a', 0, 2_000, 2_000) },
      ],
      8 * S,
      [{ kind: 'webhook', sendResolved: true, failAt: [4 * S] }],
    );
    expect(sent).toEqual(['1 webhook0 a|', '7 webhook0 |a']);
  });

  it('one integration failing does not repeat the others: each has its own log', () => {
    const sent = simulate(
      [{ at: 0, alert: alert('a', 0) }],
      5 * S,
      [
        { kind: 'webhook', sendResolved: true, failAt: [1 * S] },
        { kind: 'email', sendResolved: true },
      ],
    );
    expect(sent).toEqual(['1 email1 a|', '4 webhook0 a|']);
  });

  it('silenced or inhibited alerts are left out; all muted: nothing', () => {
    const muteB = (a: NotifyAlert) => a.labels.get('alertname') === 'b';
    expect(
      simulate(
        [
          { at: 0, alert: alert('a', 0) },
          { at: 0, alert: alert('b', 0) },
        ],
        2 * S,
        hook,
        { muted: muteB },
      ),
    ).toEqual(['1 webhook0 a|']);
    // muted until 5 s: the first flush after the silence ends sends it
    expect(simulate([{ at: 0, alert: alert('b', 0) }], 8 * S, hook, { muted: (_a, now) => now < 5 * S })).toEqual(['7 webhook0 b|']);
  });

  it('a silence ending during a partial state: the unmuted alert is new', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 0, alert: alert('b', 0) },
      ],
      5 * S,
      hook,
      { muted: (a, now) => a.labels.get('alertname') === 'b' && now < 3 * S },
    );
    expect(sent).toEqual(['1 webhook0 a|', '4 webhook0 a,b|']);
  });

  it('mute time: nothing while muted, resolved alerts dropped during it (TimeMuteStage)', () => {
    const sent = simulate(
      [
        { at: 0, alert: alert('a', 0) },
        { at: 0, alert: alert('b', 0) },
        { at: 2_000, alert: alert('b', 0, 2_000, 2_000) },
      ],
      9 * S,
      hook,
      { active: (now) => now < 3 * S || now > 5 * S },
    );
    // at 4 muted: b's resolution is dropped with the flush; at 7 only a, already known: nothing
    expect(sent).toEqual(['1 webhook0 a,b|']);
  });
});

describe('planFlush details', () => {
  const integration: FlushIntegration = { kind: 'webhook', index: 0, sendResolved: true };
  it('the new nflog entry holds the fingerprints, the flush time and the expiry', () => {
    const plan = planFlush({
      alerts: [alert('a', 0), alert('b', 0, 50)],
      nowMs: 100,
      routeActive: true,
      muted: () => false,
      integrations: [integration],
      repeatIntervalMs: 10,
      retentionMs: 1_000,
    });
    expect(plan.sends).toHaveLength(1);
    expect(plan.sends[0]!.entry).toEqual({ firing: set('a'), resolved: set('b'), sentAtMs: 100, expiresAtMs: 1_100 });
    expect(plan.resolved.map((a) => a.labels.get('alertname'))).toEqual(['b']);
  });
  it('an empty group plans nothing', () => {
    expect(
      planFlush({ alerts: [], nowMs: 0, routeActive: true, muted: () => false, integrations: [integration], repeatIntervalMs: 1, retentionMs: 1 }),
    ).toEqual({ sends: [], resolved: [] });
  });
  it('an alert ending exactly at the flush time is resolved', () => {
    const plan = planFlush({
      alerts: [alert('a', 0, 100)],
      nowMs: 100,
      routeActive: true,
      muted: () => false,
      integrations: [{ ...integration, last: entry(['a'], [], 0) }],
      repeatIntervalMs: 1e6,
      retentionMs: 1,
    });
    expect(plan.sends[0]!.entry.resolved).toEqual(set('a'));
  });
});

describe('sortAlerts (types.AlertSlice)', () => {
  const names = (alerts: NotifyAlert[]) => alerts.map((a) => [...a.labels].map(([k, v]) => `${k}=${v}`).join(' '));
  it('job first, then instance, alerts without them last, then label sets (fewer labels first)', () => {
    const sorted = sortAlerts([
      alert('z', 0, FAR, 0, {}),
      alert('x', 0, FAR, 0, { instance: 'i1' }),
      alert('x', 0, FAR, 0, { job: 'b' }),
      alert('x', 0, FAR, 0, { job: 'a', instance: 'i2' }),
      alert('x', 0, FAR, 0, { job: 'a', instance: 'i1' }),
      alert('y', 0, FAR, 0, { a: '1' }),
      alert('a', 0, FAR, 0, {}),
    ]);
    expect(names(sorted)).toEqual([
      'alertname=x job=a instance=i1',
      'alertname=x job=a instance=i2',
      'alertname=x job=b',
      'alertname=x instance=i1',
      'alertname=a',
      'alertname=z',
      'alertname=y a=1',
    ]);
  });
  it('strings compare by code point, as Go compares UTF-8 bytes', () => {
    expect(compareStrings('\u{1F600}', '\uFFFF')).toBe(1);
    expect('\u{1F600}' < '\uFFFF').toBe(true);
    expect(compareStrings('a', 'ab')).toBe(-1);
    expect(compareStrings('b', 'a')).toBe(1);
  });
});

describe('routeActiveAt', () => {
  const contains = (intervals: readonly unknown[], at: number) => intervals.includes(at);
  const intervals = new Map<string, never[]>([['night', [5 as never]], ['day', [7 as never]]]);
  it('muted by a mute interval; active only within an active interval when any is named', () => {
    expect(routeActiveAt({ muteTimeIntervals: ['night'], activeTimeIntervals: [] }, intervals, contains, 5)).toBe(false);
    expect(routeActiveAt({ muteTimeIntervals: ['night'], activeTimeIntervals: [] }, intervals, contains, 6)).toBe(true);
    expect(routeActiveAt({ muteTimeIntervals: [], activeTimeIntervals: ['day'] }, intervals, contains, 6)).toBe(false);
    expect(routeActiveAt({ muteTimeIntervals: [], activeTimeIntervals: ['day'] }, intervals, contains, 7)).toBe(true);
    expect(routeActiveAt({ muteTimeIntervals: ['day'], activeTimeIntervals: ['day'] }, intervals, contains, 7)).toBe(false);
  });
});
