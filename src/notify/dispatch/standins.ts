import type { LabelSet } from '../alert';
import type { Route } from '../config/model';
import { matchesAll } from '../matchers';
import type { TimeInterval } from '../timeinterval/time-interval';

/**
 * STAND-INS for code the config helper owns (src/notify/dispatch/route.ts: matchRoutes, group labels and
 * group key; src/notify/timeinterval/: isActiveAt). The dispatcher reaches them only through
 * `routingStandIn` below: at the merge, that one object is rebuilt over the real functions and this file
 * goes away.
 */

/** Alertmanager's dispatch.Route.Match: the deepest matching routes, siblings after a match only with `continue`. */
function matchRoutes(route: Route, labels: LabelSet): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matches = matchRoutes(child, labels);
    all.push(...matches);
    if (matches.length > 0 && !child.continue) break;
  }
  return all.length === 0 ? [route] : all;
}

/** dispatch.getGroupLabels: the alert's labels named by group_by (all with `...`). */
function groupLabels(route: Route, labels: LabelSet): LabelSet {
  const result = new Map<string, string>();
  for (const [name, value] of labels) {
    if (route.groupBy.all || route.groupBy.labels.includes(name)) result.set(name, value);
  }
  return result;
}

/** model.LabelSet.String(): `{a="b", c="d"}`, the `name="value"` strings sorted. */
function labelSetString(labels: LabelSet): string {
  const parts = [...labels].map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  parts.sort();
  return `{${parts.join(', ')}}`;
}

/** aggrGroup.GroupKey(): `{route key}:{group labels}`. */
function groupKey(route: Route, labels: LabelSet): string {
  return `${route.id}:${labelSetString(labels)}`;
}

const WEEKDAYS = new Map([
  ['Sun', 0],
  ['Mon', 1],
  ['Tue', 2],
  ['Wed', 3],
  ['Thu', 4],
  ['Fri', 5],
  ['Sat', 6],
]);

/** timeinterval.TimeInterval.ContainsTime: every given field must contain the time, in the interval's location. */
function intervalContains(interval: TimeInterval, atMs: number): boolean {
  const parts = new Map(
    new Intl.DateTimeFormat('en-US', {
      timeZone: interval.location || 'UTC',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    })
      .formatToParts(new Date(atMs))
      .map((part) => [part.type, part.value]),
  );
  const year = Number(parts.get('year'));
  const month = Number(parts.get('month'));
  const day = Number(parts.get('day'));
  const minute = Number(parts.get('hour')) * 60 + Number(parts.get('minute'));
  const weekday = WEEKDAYS.get(parts.get('weekday') ?? '') ?? -1;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dayIn = (n: number) => (n < 0 ? daysInMonth + n + 1 : n);
  const within = (ranges: readonly { begin: number; end: number }[], value: number, map = (n: number) => n) =>
    ranges.length === 0 || ranges.some((r) => value >= map(r.begin) && value <= map(r.end));
  return (
    (interval.times.length === 0 || interval.times.some((t) => minute >= t.startMinute && minute < t.endMinute)) &&
    within(interval.weekdays, weekday) &&
    within(interval.daysOfMonth, day, dayIn) &&
    within(interval.months, month) &&
    within(interval.years, year)
  );
}

function intervalsContain(intervals: readonly TimeInterval[], atMs: number): boolean {
  return intervals.some((interval) => intervalContains(interval, atMs));
}

/** What the dispatcher needs of routing and time intervals, in one place. */
export interface Routing {
  matchRoutes(route: Route, labels: LabelSet): Route[];
  groupLabels(route: Route, labels: LabelSet): LabelSet;
  groupKey(route: Route, groupLabels: LabelSet): string;
  intervalsContain(intervals: readonly TimeInterval[], atMs: number): boolean;
}

export const routingStandIn: Routing = { matchRoutes, groupLabels, groupKey, intervalsContain };
