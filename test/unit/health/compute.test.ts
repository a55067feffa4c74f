import fc from 'fast-check';
import type { Severity } from '../../../src/alerting/rules/rule';
import {
  hostHealth,
  memberHosts,
  redundancyGroupHealth,
  serviceHealth,
  serviceHealthOf,
  severityRank,
  type CheckLatest,
} from '../../../src/health/compute';
import { HEALTH_STATES, type HealthExplanation, type HealthState } from '../../../src/health/health';

/** What a host can be: a check's classification, or no result (a host is never degraded by itself). */
const HOST_STATES = ['no_data', 'ok', 'unknown', 'minor', 'major', 'critical'] as const satisfies readonly HealthState[];
type HostState = (typeof HOST_STATES)[number];

const SLOT = Date.UTC(2026, 11, 3, 12, 0, 0);

function ping(state: HostState): CheckLatest {
  return state === 'no_data'
    ? { id: 1, name: 'ping', }
    : { id: 1, name: 'ping', latest: { severity: state as Severity, slotMs: SLOT, message: state === 'ok' ? '' : 'no answer' } };
}

/** The seed's website: a dependency on the router, a redundancy group "web" of web servers (host group 50). */
function website(router: HostState, web: readonly HostState[]): HealthExplanation {
  const hosts = new Map<number, HealthExplanation>();
  hosts.set(1, hostHealth({ id: 1, name: 'router' }, [ping(router)]));
  web.forEach((state, i) => hosts.set(10 + i, hostHealth({ id: 10 + i, name: `web${i + 1}` }, [ping(state)])));
  return serviceHealthOf({
    service: { id: 7, name: 'website', dependencies: [1], redundancyGroups: [{ id: 3, name: 'web', members: [{ hostGroupId: 50 }] }] },
    hostGroupMembers: new Map([[50, web.map((_, i) => 10 + i)]]),
    hosts,
  });
}

/**
 * The expectation, written from the thesis's sentences rather than from compute.ts: a group takes the
 * least severe member unless that is ok while another is not (degraded); members without data say nothing.
 */
const order: readonly HealthState[] = ['no_data', 'ok', 'unknown', 'degraded', 'minor', 'major', 'critical'];
function expectedGroup(members: readonly HostState[]): HealthState {
  const known = members.filter((s) => s !== 'no_data').sort((a, b) => order.indexOf(a) - order.indexOf(b));
  if (known.length === 0) return 'no_data';
  if (known[0] === 'ok' && known[known.length - 1] !== 'ok') return 'degraded';
  return known[0]!;
}
function expectedService(router: HostState, web: readonly HostState[]): HealthState {
  const group = expectedGroup(web);
  return order.indexOf(router) >= order.indexOf(group) ? router : group;
}

function combinations(length: number): HostState[][] {
  if (length === 0) return [[]];
  return combinations(length - 1).flatMap((rest) => HOST_STATES.map((state) => [state, ...rest]));
}

describe("the seed's website (router dependency, redundancy group of 3 web servers)", () => {
  it('router down -> critical, and the tree says the router decided it', () => {
    const health = website('critical', ['ok', 'ok', 'ok']);
    expect(health).toEqual({
      subject: { kind: 'service', id: 7, name: 'website' },
      state: 'critical',
      reason: 'most severe of its dependencies and redundancy groups: host router is critical',
      children: [
        {
          subject: { kind: 'host', id: 1, name: 'router' },
          state: 'critical',
          reason: 'most severe of its 1 check: check ping is critical',
          children: [
            {
              subject: { kind: 'check', id: 1, name: 'ping' },
              state: 'critical',
              reason: 'latest result (slot 2026-12-03T12:00:00.000Z) classified critical: no answer',
              children: [],
            },
          ],
        },
        {
          subject: { kind: 'redundancy_group', id: 3, name: 'web' },
          state: 'ok',
          reason: 'least severe of its 3 members: hosts web1, web2, web3 are ok',
          children: [1, 2, 3].map((n) => ({
            subject: { kind: 'host', id: 9 + n, name: `web${n}` },
            state: 'ok',
            reason: 'most severe of its 1 check: check ping is ok',
            children: [
              {
                subject: { kind: 'check', id: 1, name: 'ping' },
                state: 'ok',
                reason: 'latest result (slot 2026-12-03T12:00:00.000Z) classified ok',
                children: [],
              },
            ],
          })),
        },
      ],
    });
  });

  it('one web server down -> degraded, and the tree says which one and which still work', () => {
    const health = website('ok', ['ok', 'critical', 'ok']);
    expect(health.state).toBe('degraded');
    expect(health.reason).toBe('most severe of its dependencies and redundancy groups: redundancy group web is degraded');
    const group = health.children[1]!;
    expect(group.state).toBe('degraded');
    expect(group.reason).toBe('degraded: hosts web1, web3 are ok but host web2 is critical');
    expect(group.children.map((host) => [host.subject.name, host.state])).toEqual([
      ['web1', 'ok'],
      ['web2', 'critical'],
      ['web3', 'ok'],
    ]);
    expect(health.children[0]).toMatchObject({ subject: { kind: 'host', name: 'router' }, state: 'ok' });
  });

  it('all web servers down -> critical, decided by the redundancy group', () => {
    const health = website('ok', ['critical', 'critical', 'critical']);
    expect(health.state).toBe('critical');
    expect(health.reason).toBe('most severe of its dependencies and redundancy groups: redundancy group web is critical');
    expect(health.children[1]!.reason).toBe('least severe of its 3 members: hosts web1, web2, web3 are critical');
  });

  it('router down and all web servers down: both named', () => {
    const health = website('critical', ['critical', 'critical', 'critical']);
    expect(health.reason).toBe('most severe of its dependencies and redundancy groups: host router, redundancy group web are critical');
  });

  const all = combinations(4);
  it(`covers every combination of router and 3 web servers (${HOST_STATES.length}^4 = ${all.length})`, () => {
    expect(all).toHaveLength(HOST_STATES.length ** 4);
    expect(new Set(all.map((c) => c.join())).size).toBe(all.length);
  });

  it.each(all.map((states) => [states.join(' '), states] as const))('router, web1..3 = %s', (_, states) => {
    const [router, ...web] = states as [HostState, ...HostState[]];
    const health = website(router, web);
    const expected = expectedService(router, web);
    expect(health.state).toBe(expected);

    // The tree: the service's children are the router and the group; the group's are the web servers, each with its check.
    const [routerNode, groupNode] = health.children;
    expect(health.children).toHaveLength(2);
    expect(routerNode).toMatchObject({ subject: { kind: 'host', name: 'router' }, state: router });
    expect(routerNode!.children).toEqual([expect.objectContaining({ subject: { kind: 'check', id: 1, name: 'ping' }, state: router })]);
    expect(groupNode).toMatchObject({ subject: { kind: 'redundancy_group', name: 'web' }, state: expectedGroup(web) });
    expect(groupNode!.children.map((h) => [h.subject.name, h.state])).toEqual(web.map((s, i) => [`web${i + 1}`, s]));

    // The reasons name what decided.
    if (expected === 'no_data') {
      expect(health.reason).toBe('no data for any of its dependencies and redundancy groups');
    } else {
      const named = [router === expected ? 'host router' : undefined, groupNode!.state === expected ? 'redundancy group web' : undefined]
        .filter((part) => part !== undefined)
        .join(', ');
      expect(health.reason).toBe(`most severe of its dependencies and redundancy groups: ${named} ${named.includes(',') ? 'are' : 'is'} ${expected}`);
    }
    const groupState = groupNode!.state;
    const up = web.map((s, i) => [s, `web${i + 1}`] as const);
    if (groupState === 'degraded') {
      const ok = up.filter(([s]) => s === 'ok').map(([, n]) => n);
      const failing = up.filter(([s]) => s !== 'ok' && s !== 'no_data').map(([s, n]) => `host ${n} is ${s}`);
      expect(groupNode!.reason).toMatch(
        new RegExp(`^degraded: hosts? ${ok.join(', ')} (is|are) ok but ${failing.join(', ')}( \\(\\d members? without data left out\\))?$`),
      );
    } else if (groupState === 'no_data') {
      expect(groupNode!.reason).toBe('no data for any of its 3 members');
    } else {
      const deciding = up.filter(([s]) => s === groupState).map(([, n]) => n);
      expect(groupNode!.reason).toContain(`least severe of its ${web.filter((s) => s !== 'no_data').length} member`);
      expect(groupNode!.reason).toContain(`${deciding.join(', ')} ${deciding.length === 1 ? 'is' : 'are'} ${groupState}`);
    }
  });
});

describe('host health', () => {
  it('no checks: no_data; checks without results: no_data', () => {
    expect(hostHealth({ id: 1, name: 'h' }, [])).toMatchObject({ state: 'no_data', reason: 'no checks run on this host' });
    expect(hostHealth({ id: 1, name: 'h' }, [{ id: 2, name: 'c' }])).toMatchObject({
      state: 'no_data',
      reason: 'no results yet for any of its 1 check',
    });
  });

  it('a check without result does not hide one with a result; the classifier reason comes first, then the message', () => {
    const host = hostHealth({ id: 1, name: 'h' }, [
      { id: 2, name: 'fresh' },
      { id: 3, name: 'load', latest: { severity: 'minor', slotMs: SLOT, message: 'load 3', reason: 'value 3 > 2' } },
    ]);
    expect(host.state).toBe('minor');
    expect(host.reason).toBe('most severe of its 2 checks: check load is minor');
    expect(host.children[1]!.reason).toBe('latest result (slot 2026-12-03T12:00:00.000Z) classified minor: value 3 > 2 (the check said: load 3)');
    expect(host.children[0]!.state).toBe('no_data');
  });
});

describe('no_data and unknown in redundancy groups (the choices docs/checks.md records)', () => {
  const member = (name: string, state: HealthState): HealthExplanation => ({ subject: { kind: 'host', id: name.length, name }, state, reason: '', children: [] });

  it('a member without data is left out: [ok, no_data] is ok, [critical, no_data] is critical', () => {
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'ok'), member('b', 'no_data')])).toMatchObject({
      state: 'ok',
      reason: 'least severe of its 1 member: host a is ok (1 member without data left out)',
    });
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'critical'), member('b', 'no_data')]).state).toBe('critical');
  });

  it('unknown is information: [ok, unknown] is degraded, [unknown, critical] is unknown', () => {
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'ok'), member('b', 'unknown')]).state).toBe('degraded');
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'unknown'), member('b', 'critical')]).state).toBe('unknown');
  });

  it('the thesis examples: [minor, major] is minor, [critical, ok] is degraded', () => {
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'minor'), member('b', 'major')]).state).toBe('minor');
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'critical'), member('b', 'ok')]).state).toBe('degraded');
  });

  it('not monotone where Prophasis places unknown below degraded: [ok, minor] is degraded, [unknown, minor] is unknown', () => {
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'ok'), member('b', 'minor')]).state).toBe('degraded');
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [member('a', 'unknown'), member('b', 'minor')]).state).toBe('unknown');
  });

  it('no members: no_data', () => {
    expect(redundancyGroupHealth({ id: 1, name: 'g' }, [])).toMatchObject({ state: 'no_data', reason: 'no members' });
    expect(serviceHealth({ id: 1, name: 's' }, [], [])).toMatchObject({ state: 'no_data' });
  });

  it('a reason names at most 10 parts, then says how many more (the tree has them all)', () => {
    const members = Array.from({ length: 13 }, (_, i) => member(`w${i + 1}`, i < 12 ? 'ok' : 'critical'));
    const group = redundancyGroupHealth({ id: 1, name: 'g' }, members);
    expect(group.reason).toBe('degraded: hosts w1, w2, w3, w4, w5, w6, w7, w8, w9, w10 and 2 more are ok but host w13 is critical');
    expect(group.children).toHaveLength(13);
  });

  it('a host group member stands for each of its hosts, each host once', () => {
    const groups = new Map([
      [5, [1, 2]],
      [6, [2, 3]],
    ]);
    expect(memberHosts([{ hostGroupId: 5 }, { hostId: 3 }, { hostGroupId: 6 }, { hostGroupId: 99 }], groups)).toEqual([1, 2, 3]);
  });
});

describe('properties', () => {
  const anyState = fc.constantFrom(...HEALTH_STATES);
  const hostState = fc.constantFrom(...HOST_STATES);
  const member = (state: HealthState, i: number): HealthExplanation => ({ subject: { kind: 'host', id: i, name: `h${i}` }, state, reason: '', children: [] });
  const checks = (states: readonly HostState[]): CheckLatest[] =>
    states.map((s, i) => (s === 'no_data' ? { id: i, name: `c${i}` } : { id: i, name: `c${i}`, latest: { severity: s as Severity, slotMs: SLOT, message: '' } }));
  const raise = (state: HealthState, by: number): HealthState => HEALTH_STATES[Math.min(HEALTH_STATES.length - 1, severityRank(state) + by)]!;
  /** States on which "least severe, or degraded" is monotone: the informative ones at or above degraded, and ok. */
  const monotoneStates = fc.constantFrom<HealthState>('ok', 'degraded', 'minor', 'major', 'critical');

  it('the order of checks, members, dependencies and groups never matters', () => {
    fc.assert(
      fc.property(fc.array(hostState, { maxLength: 6 }), fc.array(anyState, { maxLength: 6 }), fc.array(anyState, { maxLength: 4 }), (hs, ms, gs) => {
        const reversedHost = hostHealth({ id: 1, name: 'h' }, checks(hs).reverse()).state;
        expect(reversedHost).toBe(hostHealth({ id: 1, name: 'h' }, checks(hs)).state);
        const members = ms.map(member);
        expect(redundancyGroupHealth({ id: 1, name: 'g' }, [...members].reverse()).state).toBe(redundancyGroupHealth({ id: 1, name: 'g' }, members).state);
        const groups = gs.map(member);
        expect(serviceHealth({ id: 1, name: 's' }, groups, members).state).toBe(serviceHealth({ id: 1, name: 's' }, members, groups).state);
      }),
    );
  });

  it('a host is never better than any of its checks, and equals one of them (or no_data)', () => {
    fc.assert(
      fc.property(fc.array(hostState, { maxLength: 8 }), (hs) => {
        const state = hostHealth({ id: 1, name: 'h' }, checks(hs)).state;
        for (const s of hs) expect(severityRank(state)).toBeGreaterThanOrEqual(severityRank(s));
        expect([...hs, 'no_data']).toContain(state);
      }),
    );
  });

  it('monotone: a check, a dependency or a group getting worse never makes its host or service better', () => {
    fc.assert(
      fc.property(fc.array(hostState, { minLength: 1, maxLength: 6 }), fc.nat(), fc.integer({ min: 1, max: 6 }), (hs, at, by) => {
        const i = at % hs.length;
        const worse = hs.map((s, j) => (j === i ? (raise(s, by) === 'degraded' ? 'minor' : raise(s, by)) : s)) as HostState[];
        expect(severityRank(hostHealth({ id: 1, name: 'h' }, checks(worse)).state)).toBeGreaterThanOrEqual(
          severityRank(hostHealth({ id: 1, name: 'h' }, checks(hs)).state),
        );
      }),
    );
    fc.assert(
      fc.property(fc.array(anyState, { minLength: 1, maxLength: 6 }), fc.nat(), fc.integer({ min: 1, max: 6 }), (parts, at, by) => {
        const i = at % parts.length;
        const worse = parts.map((s, j) => (j === i ? raise(s, by) : s));
        const before = serviceHealth({ id: 1, name: 's' }, parts.map(member), []).state;
        const after = serviceHealth({ id: 1, name: 's' }, worse.map(member), []).state;
        expect(severityRank(after)).toBeGreaterThanOrEqual(severityRank(before));
      }),
    );
  });

  it('monotone for a redundancy group on ok and the states from degraded up', () => {
    fc.assert(
      fc.property(fc.array(monotoneStates, { minLength: 1, maxLength: 6 }), fc.nat(), monotoneStates, (ms, at, target) => {
        const i = at % ms.length;
        if (severityRank(target) < severityRank(ms[i]!)) return;
        const worse = ms.map((s, j) => (j === i ? target : s));
        expect(severityRank(redundancyGroupHealth({ id: 1, name: 'g' }, worse.map(member)).state)).toBeGreaterThanOrEqual(
          severityRank(redundancyGroupHealth({ id: 1, name: 'g' }, ms.map(member)).state),
        );
      }),
    );
  });

  it('a group is one of its members, or degraded exactly when its best informative member is ok and another is not', () => {
    fc.assert(
      fc.property(fc.array(anyState, { maxLength: 6 }), (ms) => {
        const state = redundancyGroupHealth({ id: 1, name: 'g' }, ms.map(member)).state;
        const known = ms.filter((s) => s !== 'no_data');
        const degradedCase = known.includes('ok') && known.some((s) => s !== 'ok');
        if (degradedCase) expect(state).toBe('degraded');
        else expect([...ms, 'no_data']).toContain(state);
        for (const s of known) if (!degradedCase) expect(severityRank(state)).toBeLessThanOrEqual(severityRank(s));
      }),
    );
  });

  it('a service is never better than any of its parts', () => {
    fc.assert(
      fc.property(fc.array(anyState, { maxLength: 5 }), fc.array(anyState, { maxLength: 5 }), (ds, gs) => {
        const state = serviceHealth({ id: 1, name: 's' }, ds.map(member), gs.map(member)).state;
        for (const s of [...ds, ...gs]) expect(severityRank(state)).toBeGreaterThanOrEqual(severityRank(s));
      }),
    );
  });
});
