import { ForbiddenError, NotFoundError, ValidationError } from '../../../../src/domain/errors';
import type { User } from '../../../../src/domain/user';
import { inMemoryPolicyServices, type InMemoryPolicyServices } from '../../../support/in-memory-policy-services';

/** PolicyService's rules (issue 15) over in-memory stores: who may do what, refusals, generations, audit. */
describe('PolicyService rules', () => {
  let s: InMemoryPolicyServices;
  let admin: User;
  let scientist: User;
  let seen: number;
  let hidden: number;
  const input = (name: string, experiment = 'SEEN', formula = 'p(x)') => ({ experiment, name, signature: 'p(x:int)', formula });
  const log = (text: string) => ({ kind: 'log' as const, text });

  beforeEach(async () => {
    s = inMemoryPolicyServices();
    admin = await s.createUser('ADMIN');
    scientist = await s.createUser('SCIENTIST');
    for (const code of ['SEEN', 'HIDDEN']) await s.stores.experiments.insert({ code, name: code });
    const seenExperiment = await s.stores.experiments.findByCode('SEEN');
    await s.stores.experiments.associate(seenExperiment?.id as number, scientist.id);
    seen = (await s.policies.create(admin, input('a'))).policy.id;
    hidden = (await s.policies.create(admin, input('b', 'HIDDEN'))).policy.id;
  });

  it('refuses every policy write of a SCIENTIST with 403 before any lookup, even of a policy that does not exist', async () => {
    await expect(s.policies.create(scientist, input('c'))).rejects.toThrow(ForbiddenError);
    await expect(s.policies.update(scientist, 999, input('c'))).rejects.toThrow(ForbiddenError);
    await expect(s.policies.delete(scientist, 999)).rejects.toThrow(ForbiddenError);
    expect(s.stores.policies.policies.size).toBe(2);
  });

  it("answers 404 alike for a missing policy and another experiment's, to reads and feeds of a SCIENTIST", async () => {
    for (const id of [hidden, 999]) {
      await expect(s.policies.get(scientist, id)).rejects.toThrow(new NotFoundError(`policy ${id} not found`));
      await expect(s.policies.verdicts(scientist, id, { limit: 10 })).rejects.toThrow(NotFoundError);
      await expect(s.policies.rejections(scientist, id, { limit: 10 })).rejects.toThrow(NotFoundError);
      await expect(s.policies.ingest(scientist, id, log('@1 p(1)'), false)).rejects.toThrow(NotFoundError);
    }
    expect(s.stores.policies.timePoints.get(hidden)).toBeUndefined();
    expect((await s.policies.ingest(scientist, seen, log('@1 p(1)'), false)).accepted).toBe(1);
    expect((await s.policies.list(scientist, { limit: 10 })).items.map((v) => v.policy.id)).toEqual([seen]);
    expect((await s.policies.list(admin, { limit: 10 })).items.map((v) => v.policy.id)).toEqual([seen, hidden]);
  });

  it('refuses a formula the engine refuses with a 400 naming the field, line and column, and writes nothing', async () => {
    const refusal = await s.policies.create(admin, input('u', 'SEEN', 'ALWAYS p(x)')).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).message).toMatch(/^formula: formula 1:1: not monitorable: /);
    expect((refusal as ValidationError).details).toMatchObject({ field: 'formula', line: 1, column: 1 });
    const signature = await s.policies.create(admin, { ...input('v'), signature: 'p(x:int' }).catch((e: unknown) => e);
    expect((signature as ValidationError).details).toMatchObject({ field: 'signature' });
    await expect(s.policies.create(admin, input(''))).rejects.toThrow(/^name: /);
    await expect(s.policies.create(admin, { ...input('long'), signature: `${'p'.repeat(129)}(x:int)`, formula: `${'p'.repeat(129)}(x)` })).rejects.toThrow(
      /^signature: the predicate name p+\.\.\. is longer than 128 characters/,
    );
    await expect(s.policies.create(admin, input('w', 'NOPE'))).rejects.toThrow(/^experiment: /);
    await expect(s.policies.update(admin, seen, input('a', 'HIDDEN'))).rejects.toThrow(/^experiment: a policy stays in its experiment/);
    expect(s.stores.policies.policies.size).toBe(2);
  });

  it('a new name keeps the generation and the monitor, and replays nothing', async () => {
    await s.policies.ingest(admin, seen, log('@1 p(1)\n@2 p(2)'), false);
    const fencing = s.stores.policies.monitors.get(seen)?.fencing;
    const renamed = await s.policies.update(admin, seen, input('renamed'));
    expect(renamed.policy).toMatchObject({ name: 'renamed', generation: 1 });
    expect(s.stores.policies.monitors.get(seen)?.fencing).toBe(fencing);
    expect(s.windowQueries).toEqual([]);
    expect(s.stores.audit.events.filter((e) => e.action === 'policy.update').at(-1)?.detail).toMatchObject({ generation_changed: false });
  });

  it('a formula change of a policy never fed starts the new monitor empty, with no replay', async () => {
    const changed = await s.policies.update(admin, seen, input('a', 'SEEN', 'PREVIOUS p(x)'));
    expect(changed.policy.generation).toBe(2);
    expect(changed.monitor).toMatchObject({ firstTp: 0, nextTp: 0, replayedEvents: 0, storedEvents: 0 });
    expect(s.windowQueries).toEqual([]);
    await s.policies.ingest(admin, seen, log('@1 p(7)\n@2'), false);
    expect((await s.policies.verdicts(admin, seen, { limit: 10 })).items.map((v) => v.line)).toEqual(['@2 (time point 1): (7)']);
    expect((await s.policies.verdicts(admin, seen, { generation: 1, limit: 10 })).items).toEqual([]);
  });

  it('audits create, update, events and delete, each with what changed', async () => {
    await s.policies.ingest(admin, seen, { kind: 'json', value: [{ ts: 1, events: [{ pred: 'p', args: [1] }] }, { ts: 0, events: [] }] }, false);
    await s.policies.delete(admin, seen);
    const actions = s.stores.audit.events.map((e) => [e.action, e.resourceId]);
    expect(actions).toEqual([
      ['policy.create', String(seen)],
      ['policy.create', String(hidden)],
      ['policy.events', String(seen)],
      ['policy.delete', String(seen)],
    ]);
    expect(s.stores.audit.events[2]?.detail).toMatchObject({ accepted: 1, rejected: 1, verdicts: 1, next_tp: 1 });
    // The violation fired by p(1) is resolved with the policy.
    expect(s.transitions.map((t) => [t.labels.get('x'), t.to, t.reason])).toEqual([
      ['1', 'firing', 'violated at time point 0 (@1)'],
      ['1', 'resolved', 'policy removed'],
    ]);
  });

  it('refuses a body that is not time points as a whole, storing one rejection, and feeds nothing', async () => {
    await expect(s.policies.ingest(admin, seen, { kind: 'json', value: { ts: 1 } }, false)).rejects.toThrow(/must be a JSON array/);
    await expect(s.policies.ingest(admin, seen, log('@1 p(1)\n@2 p('), false)).rejects.toThrow(/log 2:\d+: expected an argument/);
    expect(s.stores.policies.rejectionRows.map((r) => r.policyId)).toEqual([seen, seen]);
    expect(s.stores.policies.monitors.get(seen)?.nextTp).toBe(0);
  });

  it('refuses JSON items one by one, naming the time point, the event and the argument', async () => {
    const result = await s.policies.ingest(
      admin,
      seen,
      {
        kind: 'json',
        value: [{ ts: 1, events: [{ pred: 'p', args: [2 ** 53] }] }, 'x', { ts: -1 }, { ts: 2, events: [{ pred: 'p', args: [1.5] }] }, { ts: 3, events: [{ pred: 'p', args: [3] }] }],
      },
      false,
    );
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [0, 'time point 0: event 1: argument 1 of p must be an int (at most 2^53 - 1 in magnitude)'],
      [1, 'time point 1: is not an object {ts, events}'],
      [2, 'time point 2: ts must be a non-negative integer (at most 2^53 - 1)'],
      [3, 'time point 3: event 1: argument 1 of p must be an int (at most 2^53 - 1 in magnitude)'],
    ]);
    expect(result.nextTp).toBe(1);
  });
});

describe('PolicyService after the end of the log', () => {
  it('a formula change keeps the log ended: the new monitor refuses time points as the old one did', async () => {
    const s = inMemoryPolicyServices();
    const admin = await s.createUser('ADMIN');
    await s.stores.experiments.insert({ code: 'E', name: 'E' });
    const id = (await s.policies.create(admin, { experiment: 'E', name: 'p', signature: 'p(x:int)', formula: 'p(x)' })).policy.id;
    expect((await s.policies.ingest(admin, id, { kind: 'log', text: '@1 p(1)' }, true)).ended).toBe(true);
    const changed = await s.policies.update(admin, id, { experiment: 'E', name: 'p', signature: 'p(x:int)', formula: 'PREVIOUS p(x)' });
    expect(changed.monitor).toMatchObject({ generation: 2, ended: true, firstTp: 1 });
    const after = await s.policies.ingest(admin, id, { kind: 'log', text: '@2 p(2)' }, false);
    expect(after.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/the log has ended/)]);
    expect(after.accepted).toBe(0);
  });
});
