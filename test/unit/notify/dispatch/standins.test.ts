import type { Route } from '../../../../src/notify/config/model';
import { routingStandIn } from '../../../../src/notify/dispatch/standins';
import type { CompiledMatcher } from '../../../../src/notify/matchers';
import type { TimeInterval } from '../../../../src/notify/timeinterval/time-interval';

/** The routing and time-interval stand-ins (replaced by the configuration part's code at the merge). */
const eq = (name: string, value: string): CompiledMatcher => ({ name, type: '=', value, matches: (v) => v === value });

function route(id: string, receiver: string, matchers: CompiledMatcher[], extra: Partial<Route> = {}): Route {
  return {
    id,
    receiver,
    groupBy: { all: false, labels: [] },
    matchers,
    continue: false,
    groupWaitMs: 0,
    groupIntervalMs: 0,
    repeatIntervalMs: 0,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
    ...extra,
  };
}

const tree = route('{}', 'root', [], {
  routes: [
    route('a', 'a', [eq('team', 'db')], { continue: true, routes: [route('a1', 'a1', [eq('sev', 'page')])] }),
    route('b', 'b', [eq('team', 'db')]),
    route('c', 'c', [eq('team', 'db')]),
  ],
});
const labels = (o: Record<string, string>) => new Map(Object.entries(o));

describe('matchRoutes (dispatch.Route.Match)', () => {
  it('deepest matches; continue goes on to the next sibling; the first match without continue stops', () => {
    expect(routingStandIn.matchRoutes(tree, labels({ team: 'db', sev: 'page' })).map((r) => r.receiver)).toEqual(['a1', 'b']);
    expect(routingStandIn.matchRoutes(tree, labels({ team: 'db' })).map((r) => r.receiver)).toEqual(['a', 'b']);
    expect(routingStandIn.matchRoutes(tree, labels({ team: 'web' })).map((r) => r.receiver)).toEqual(['root']);
  });
});

describe('group labels and key', () => {
  it('group_by names or all labels; the key as aggrGroup.GroupKey()', () => {
    const r = route('{}/{team="db"}', 'x', [], { groupBy: { all: false, labels: ['b', 'a', 'missing'] } });
    const group = routingStandIn.groupLabels(r, labels({ a: '1', b: 'x"y', c: '3' }));
    expect([...group]).toEqual([
      ['a', '1'],
      ['b', 'x"y'],
    ]);
    expect(routingStandIn.groupKey(r, group)).toBe('{}/{team="db"}:{a="1", b="x\\"y"}');
    expect([...routingStandIn.groupLabels({ ...r, groupBy: { all: true } }, labels({ a: '1', c: '3' }))]).toHaveLength(2);
    expect(routingStandIn.groupKey(r, new Map())).toBe('{}/{team="db"}:{}');
  });
});

describe('time intervals (timeinterval.ContainsTime)', () => {
  const base: TimeInterval = { times: [], weekdays: [], daysOfMonth: [], months: [], years: [], location: 'UTC' };
  // Thursday 3 December 2026, 16:30 UTC
  const at = Date.UTC(2026, 11, 3, 16, 30);
  const contains = (i: Partial<TimeInterval>, t = at) => routingStandIn.intervalsContain([{ ...base, ...i }], t);
  it('each given field must contain the time', () => {
    expect(contains({})).toBe(true);
    expect(contains({ times: [{ startMinute: 16 * 60, endMinute: 17 * 60 }] })).toBe(true);
    expect(contains({ times: [{ startMinute: 16 * 60, endMinute: 16 * 60 + 30 }] })).toBe(false);
    expect(contains({ weekdays: [{ begin: 1, end: 4 }] })).toBe(true);
    expect(contains({ weekdays: [{ begin: 5, end: 6 }] })).toBe(false);
    expect(contains({ daysOfMonth: [{ begin: 1, end: 3 }] })).toBe(true);
    expect(contains({ daysOfMonth: [{ begin: -31, end: -29 }] })).toBe(true);
    expect(contains({ daysOfMonth: [{ begin: -1, end: -1 }] })).toBe(false);
    expect(contains({ months: [{ begin: 12, end: 12 }] })).toBe(true);
    expect(contains({ years: [{ begin: 2027, end: 2030 }] })).toBe(false);
    expect(contains({ weekdays: [{ begin: 4, end: 4 }], months: [{ begin: 1, end: 11 }] })).toBe(false);
  });
  it('in the interval’s location', () => {
    // 16:30 UTC is 17:30 in Paris, 01:30 on Friday in Tokyo
    expect(contains({ location: 'Europe/Paris', times: [{ startMinute: 17 * 60, endMinute: 18 * 60 }] })).toBe(true);
    expect(contains({ location: 'Asia/Tokyo', weekdays: [{ begin: 5, end: 5 }] })).toBe(true);
  });
  it('no interval contains nothing', () => {
    expect(routingStandIn.intervalsContain([], at)).toBe(false);
  });
});
