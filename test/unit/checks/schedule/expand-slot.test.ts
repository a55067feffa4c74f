import type { Host } from '../../../../src/checks/model';
import type { ParsedParams } from '../../../../src/checks/params';
import { expandSlot, type SlotCheck, type SlotSnapshot } from '../../../../src/checks/schedule/expand-slot';

const host = (id: number): Host => ({ id, experimentId: 1, name: `h${id}`, address: `10.0.0.${id}`, description: '' });
const parse = (_kind: SlotCheck['kind'], raw: unknown): ParsedParams =>
  raw === 'bad' ? { ok: false, problems: [['port', 'must be a port']] } : { ok: true, params: { kind: 'tcp', port: 22 } };

function check(id: number, over: Partial<SlotCheck> = {}): SlotCheck {
  return { id, experimentId: 1, name: `c${id}`, kind: 'tcp', params: {}, timeoutMs: 1000, version: 3, hostIds: [], hostGroupIds: [], ...over };
}

function snapshot(checks: SlotCheck[]): SlotSnapshot {
  return {
    scheduleId: 7,
    experimentId: 1,
    experiment: 'EXP',
    maxLatenessMs: 5000,
    checks,
    hosts: new Map([1, 2, 3, 4].map((id) => [id, host(id)])),
    groups: new Map([
      [10, [1, 2]],
      [11, [2, 3, 4]],
    ]),
  };
}

const keys = (jobs: ReturnType<typeof expandSlot>['jobs']) => jobs.map((j) => `${j.checkId}@${j.host.id}`);

describe('expandSlot', () => {
  it('each check on each of its hosts, directly or through groups, a host reached twice once', () => {
    const { jobs, invalid } = expandSlot(snapshot([check(2, { hostIds: [4, 1], hostGroupIds: [10] }), check(1, { hostGroupIds: [11] })]), 60_000, 9, parse);
    expect(keys(jobs)).toEqual(['1@2', '1@3', '1@4', '2@1', '2@2', '2@4']);
    expect(invalid).toEqual([]);
    expect(jobs[0]).toMatchObject({ checkName: 'c1', checkVersion: 3, experiment: 'EXP', experimentId: 1, scheduleId: 7, slotMs: 60_000, fencingToken: 9, timeoutMs: 1000 });
    expect(jobs.every((j) => j.peers === undefined)).toBe(true);
  });

  it('a mesh check: one job per host of its groups, peers the other hosts of the groups it shares', () => {
    const { jobs } = expandSlot(snapshot([check(5, { kind: 'mesh', hostGroupIds: [10, 11] })]), 0, 1, parse);
    const peers = new Map(jobs.map((j) => [j.host.id, j.peers?.map((p) => p.id)]));
    expect(peers).toEqual(
      new Map([
        [1, [2]],
        [2, [1, 3, 4]],
        [3, [2, 4]],
        [4, [2, 3]],
      ]),
    );
  });

  it('a mesh check of one host has no peers but still runs (an empty row)', () => {
    const { jobs } = expandSlot(snapshot([check(5, { kind: 'mesh', hostIds: [3] })]), 0, 1, parse);
    expect(jobs.map((j) => j.peers)).toEqual([[]]);
  });

  it('a check whose stored parameters no longer parse is left out and named; the others run', () => {
    const { jobs, invalid } = expandSlot(snapshot([check(1, { params: 'bad', hostIds: [1] }), check(2, { hostIds: [1] })]), 0, 1, parse);
    expect(keys(jobs)).toEqual(['2@1']);
    expect(invalid).toEqual([{ checkId: 1, problems: [['port', 'must be a port']] }]);
  });

  it('hosts or groups deleted since (absent from the snapshot) are skipped; no hosts, no jobs', () => {
    const { jobs } = expandSlot(snapshot([check(1, { hostIds: [99], hostGroupIds: [404] }), check(2)]), 0, 1, parse);
    expect(jobs).toEqual([]);
  });

  it('plugin checks carry the plugin name', () => {
    const { jobs } = expandSlot(snapshot([check(1, { kind: 'plugin', plugin: 'disk', hostIds: [1] })]), 0, 1, parse);
    expect(jobs[0]?.plugin).toBe('disk');
  });
});
