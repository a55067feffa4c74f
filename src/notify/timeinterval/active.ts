/**
 * Alertmanager's TimeInterval.ContainsTime (timeinterval/timeinterval.go, 0.25): an instant is in the interval
 * when every non-empty field matches its wall-clock time in the interval's location.
 */
import type { TimeInterval } from './time-interval';

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minuteOfDay: number;
  readonly weekday: number;
}

const WEEKDAYS: ReadonlyMap<string, number> = new Map([
  ['Sun', 0],
  ['Mon', 1],
  ['Tue', 2],
  ['Wed', 3],
  ['Thu', 4],
  ['Fri', 5],
  ['Sat', 6],
]);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(location: string): Intl.DateTimeFormat {
  let f = formatters.get(location);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: location,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(location, f);
  }
  return f;
}

/** Whether an IANA zone name is known (Go's time.LoadLocation, here through the ICU data). */
export function isKnownLocation(location: string): boolean {
  try {
    formatter(location);
    return true;
  } catch {
    return false;
  }
}

function wallClock(ms: number, location: string): WallClock {
  const parts = new Map<string, string>(formatter(location).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const num = (type: string): number => Number(parts.get(type) ?? 'NaN');
  return {
    year: num('year'),
    month: num('month'),
    day: num('day'),
    minuteOfDay: (num('hour') % 24) * 60 + num('minute'),
    weekday: WEEKDAYS.get(parts.get('weekday') ?? '') ?? -1,
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}

/** Whether the instant (ms since the epoch) lies in the interval. */
export function isActiveAt(interval: TimeInterval, ms: number): boolean {
  const t = wallClock(ms, interval.location);
  if (interval.times.length > 0 && !interval.times.some((r) => t.minuteOfDay >= r.startMinute && t.minuteOfDay < r.endMinute)) return false;
  if (interval.daysOfMonth.length > 0) {
    const days = daysInMonth(t.year, t.month);
    const inRange = interval.daysOfMonth.some((r) => {
      const begin = r.begin < 0 ? days + r.begin + 1 : r.begin;
      const end = r.end < 0 ? days + r.end + 1 : r.end;
      if (begin > days) return false;
      return t.day >= clamp(begin, -days, days) && t.day <= clamp(end, -days, days);
    });
    if (!inRange) return false;
  }
  if (interval.months.length > 0 && !interval.months.some((r) => t.month >= r.begin && t.month <= r.end)) return false;
  if (interval.weekdays.length > 0 && !interval.weekdays.some((r) => t.weekday >= r.begin && t.weekday <= r.end)) return false;
  if (interval.years.length > 0 && !interval.years.some((r) => t.year >= r.begin && t.year <= r.end)) return false;
  return true;
}

/** Whether any of the intervals contains the instant (a route's mute/active list resolved by name). */
export function anyActiveAt(intervals: readonly TimeInterval[], ms: number): boolean {
  return intervals.some((interval) => isActiveAt(interval, ms));
}

/**
 * Alertmanager's TimeMuteStage and TimeActiveStage together: a route's notification at `ms` is dropped when
 * one of its `mute_time_intervals` contains the instant, or when it has `active_time_intervals` and none
 * contains it. Names are resolved in the configuration's `time_intervals` (validated to exist).
 */
export function isMutedAt(
  route: { readonly muteTimeIntervals: readonly string[]; readonly activeTimeIntervals: readonly string[] },
  timeIntervals: ReadonlyMap<string, readonly TimeInterval[]>,
  ms: number,
): boolean {
  const inAny = (names: readonly string[]): boolean => names.some((name) => anyActiveAt(timeIntervals.get(name) ?? [], ms));
  if (inAny(route.muteTimeIntervals)) return true;
  return route.activeTimeIntervals.length > 0 && !inAny(route.activeTimeIntervals);
}
