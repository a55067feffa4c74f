import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../../src/domain/errors';
import type { User } from '../../../../src/domain/user';
import { AuditTrail } from '../../../../src/services/audit-trail';
import { ExperimentVisibility } from '../../../../src/services/authorization';
import { ChecksModelService } from '../../../../src/services/checks/checks-model-service';
import { MemoryLogger } from '../../../support/amqp-fakes';
import { InMemoryChecksModelStore } from '../../../support/checks-fakes-model';
import { fakeRuleCheckers } from '../../../support/fake-rule-checkers';
import { immediateCommitHooks, InMemoryAuditStore, InMemoryExperimentStore, InMemoryUserStore, PassThroughTransactor } from '../../../support/in-memory-stores';

/** The model service's rules: ADMIN writes (audited), SCIENTIST reads of associated experiments, references within one experiment. */
describe('ChecksModelService', () => {
  let users: InMemoryUserStore;
  let experiments: InMemoryExperimentStore;
  let audit: InMemoryAuditStore;
  let store: InMemoryChecksModelStore;
  let model: ChecksModelService;
  let admin: User;
  let scientist: User;
  let seenId: number;

  const user = (role: 'ADMIN' | 'SCIENTIST', n: number) =>
    users.insert({ role, username: `u${n}`, userId: `U${n}`, name: `n${n}`, email: `u${n}@example.org`, pseudonym: `p${n}` });
  const host = (experiment: string, name: string) => model.hosts.create(admin, { experiment, name, address: `${name}.example.org` });
  const problems = async (promise: Promise<unknown>): Promise<Array<{ path: string; message: string }>> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    return ((error as ValidationError).details?.errors ?? []) as Array<{ path: string; message: string }>;
  };

  beforeEach(async () => {
    users = new InMemoryUserStore();
    experiments = new InMemoryExperimentStore(users);
    audit = new InMemoryAuditStore();
    store = new InMemoryChecksModelStore((id) => [...experiments.rows.values()].find((e) => e.id === id)?.code ?? '?');
    const trail = new AuditTrail(audit, immediateCommitHooks, new MemoryLogger());
    model = new ChecksModelService(store, experiments, new PassThroughTransactor(), trail, new ExperimentVisibility(experiments), fakeRuleCheckers.classifiers);
    admin = await user('ADMIN', 1);
    scientist = await user('SCIENTIST', 2);
    seenId = (await experiments.insert({ code: 'SEEN', name: 'seen' })).id;
    await experiments.insert({ code: 'HIDDEN', name: 'hidden' });
    await experiments.associate(seenId, scientist.id);
  });

  it('writes are ADMIN-only, refused before any lookup', async () => {
    const existing = await host('SEEN', 'h');
    for (const resource of [model.hosts, model.hostGroups, model.checks, model.schedules, model.services] as const) {
      await expect(resource.create(scientist, { experiment: 'NOPE', name: 'x' } as never)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(resource.update(scientist, 999, { experiment: 'NOPE', name: 'x' } as never)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(resource.delete(scientist, 999)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await store.hosts.get(existing.id)).toEqual(existing);
  });

  it('a SCIENTIST reads rows of associated experiments; any other is "not found", like a missing one', async () => {
    const mine = await host('SEEN', 'mine');
    const theirs = await host('HIDDEN', 'theirs');
    expect(await model.hosts.get(scientist, mine.id)).toEqual(mine);
    await expect(model.hosts.get(scientist, theirs.id)).rejects.toThrow(new NotFoundError(`host ${theirs.id} not found`));
    await expect(model.hosts.get(scientist, 12345)).rejects.toThrow(new NotFoundError('host 12345 not found'));
    expect((await model.hosts.list(scientist, { limit: 10 })).items.map((h) => h.name)).toEqual(['mine']);
    expect((await model.hosts.list(admin, { limit: 10 })).items.map((h) => h.name)).toEqual(['mine', 'theirs']);
    await expect(model.hosts.list(scientist, { experiment: 'HIDDEN', limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
    expect((await model.hosts.list(admin, { experiment: 'HIDDEN', limit: 10 })).items.map((h) => h.name)).toEqual(['theirs']);
  });

  it('a SCIENTIST associated with no experiment sees an empty list', async () => {
    const lonely = await user('SCIENTIST', 3);
    await host('SEEN', 'h');
    expect((await model.hosts.list(lonely, { limit: 10 })).items).toEqual([]);
  });

  it('pages by id with an opaque cursor; a forged cursor is a validation error', async () => {
    for (const name of ['a', 'b', 'c']) await host('SEEN', name);
    const first = await model.hosts.list(admin, { limit: 2 });
    expect(first.items.map((h) => h.name)).toEqual(['a', 'b']);
    const second = await model.hosts.list(admin, { limit: 2, ...(first.next ? { cursor: first.next } : {}) });
    expect([second.items.map((h) => h.name), second.next]).toEqual([['c'], undefined]);
    await expect(model.hosts.list(admin, { limit: 2, cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('every reference is checked: missing and foreign ids, repeats, each named by its path', async () => {
    const local = await host('SEEN', 'local');
    const foreign = await host('HIDDEN', 'foreign');
    const foreignGroup = await model.hostGroups.create(admin, { experiment: 'HIDDEN', name: 'g' });
    expect(await problems(model.hostGroups.create(admin, { experiment: 'SEEN', name: 'g', hosts: [local.id, foreign.id, local.id, 99] }))).toEqual([
      { path: 'hosts[2]', message: `repeats host ${local.id}` },
      { path: 'hosts[1]', message: `host ${foreign.id} belongs to another experiment` },
      { path: 'hosts[3]', message: 'host 99 does not exist' },
    ]);
    expect(
      await problems(
        model.services.create(admin, {
          experiment: 'SEEN',
          name: 's',
          dependencies: [foreign.id],
          redundancy_groups: [
            { name: 'r', members: [{ host: local.id }, { host: local.id }, { host_group: foreignGroup.id }] },
            { name: 'r', members: [{ host_group: 77 }] },
          ],
        }),
      ),
    ).toEqual([
      { path: 'dependencies[0]', message: `host ${foreign.id} belongs to another experiment` },
      { path: 'redundancy_groups[0].members[1].host', message: 'repeats an earlier member of the group' },
      { path: 'redundancy_groups[1].name', message: 'repeats the name of an earlier redundancy group' },
      { path: 'redundancy_groups[0].members[2].host_group', message: `host group ${foreignGroup.id} belongs to another experiment` },
      { path: 'redundancy_groups[1].members[0].host_group', message: 'host group 77 does not exist' },
    ]);
    expect(await problems(model.schedules.create(admin, { experiment: 'SEEN', name: 's', max_lateness_ms: 0, intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 1000 }], checks: [5] }))).toEqual([
      { path: 'checks[0]', message: 'check 5 does not exist' },
    ]);
    expect(await problems(model.hosts.create(admin, { experiment: 'NOPE', name: 'h', address: 'h' }))).toEqual([{ path: 'experiment', message: 'no experiment has the code "NOPE"' }]);
    expect(audit.events).toHaveLength(3);
  });

  it('checks: params problems below params, plugin only for plugin checks, mesh on host groups, classifiers validated', async () => {
    const h = await host('SEEN', 'h');
    expect(await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 0, extra: 1 } }))).toEqual([
      { path: 'params.extra', message: expect.stringContaining('is not a parameter here') },
      { path: 'params.port', message: 'must be an integer from 1 to 65535' },
    ]);
    expect(await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: null }))).toEqual([{ path: 'params', message: 'must be an object' }]);
    expect((await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'plugin' }))).map((p) => p.path)).toEqual(['plugin']);
    expect((await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 1 }, plugin: 'p' }))).map((p) => p.path)).toEqual(['plugin']);
    expect((await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'mesh', params: { port: 1 }, hosts: [h.id] }))).map((p) => p.path)).toEqual(['hosts']);
    expect((await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 1 }, timeout_ms: 0 }))).map((p) => p.path)).toEqual(['timeout_ms']);
    expect(await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 1 }, classifier: { lua: 'os.exit()' } }))).toEqual([
      { path: 'classifier.lua', message: 'os is not available in the sandbox' },
    ]);
    expect((await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 1 }, classifier: { thresholds: [] } }))).map((p) => p.path)).toEqual([
      'classifier.thresholds',
    ]);
    expect((await problems(model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'ssh' as never }))).map((p) => p.path)).toEqual(['kind']);
    const plugin = await model.checks.create(admin, { experiment: 'SEEN', name: 'p', kind: 'plugin', plugin: 'load', classifier: { lua: 'return "ok"', history: 5 } });
    expect(plugin).toMatchObject({ kind: 'plugin', plugin: 'load', params: { kind: 'plugin', args: [] }, timeoutMs: 10000, classifier: { kind: 'lua', code: 'return "ok"', history: 5 }, version: 1 });
  });

  it('schedules: starts are RFC 3339 in whole milliseconds; an interval is given once', async () => {
    const created = await model.schedules.create(admin, { experiment: 'SEEN', name: 's', max_lateness_ms: 10, intervals: [{ start: '2026-01-01T01:00:00+01:00', period_ms: 60000 }] });
    expect(created.intervals).toEqual([{ id: expect.any(Number), startMs: Date.UTC(2026, 0, 1), periodMs: 60000 }]);
    expect(
      await problems(
        model.schedules.create(admin, {
          experiment: 'SEEN',
          name: 't',
          max_lateness_ms: 0,
          intervals: [
            { start: '2026-02-30T00:00:00Z', period_ms: 1000 },
            { start: '2026-01-01T00:00:00.0005Z', period_ms: 1000 },
            { start: '2026-01-01T00:00:00Z', period_ms: 1000 },
            { start: '2026-01-01T00:00:00.000Z', period_ms: 1000 },
          ],
        }),
      ),
    ).toEqual([
      { path: 'intervals[0].start', message: expect.stringContaining('RFC 3339') },
      { path: 'intervals[1].start', message: 'must be a whole millisecond' },
      { path: 'intervals[3]', message: 'repeats an earlier interval (same start and period)' },
    ]);
  });

  it('a row stays in its experiment; updates and deletes of missing rows are "not found"; names are unique per experiment', async () => {
    const h = await host('SEEN', 'h');
    expect((await problems(model.hosts.update(admin, h.id, { experiment: 'HIDDEN', name: 'h', address: 'a' }))).map((p) => p.path)).toEqual(['experiment']);
    await expect(model.hosts.update(admin, 999, { experiment: 'SEEN', name: 'h', address: 'a' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(model.hosts.delete(admin, 999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(host('SEEN', 'h')).rejects.toBeInstanceOf(ConflictError);
    await expect(host('HIDDEN', 'h')).resolves.toMatchObject({ experiment: 'HIDDEN' });
    expect((await problems(model.hosts.create(admin, { experiment: 'SEEN', name: 'x', address: 'a b' }))).map((p) => p.path)).toEqual(['address']);
  });

  it('every change is audited with the row, its experiment and, for checks and schedules, the new version', async () => {
    const c = await model.checks.create(admin, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 1 } });
    await model.checks.update(admin, c.id, { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 2 } });
    await model.checks.delete(admin, c.id);
    const h = await host('SEEN', 'h');
    expect(audit.events.map((e) => [e.action, e.resourceType, e.resourceId, e.detail])).toEqual([
      ['check.create', 'check', String(c.id), { experiment: 'SEEN', name: 'c', version: 1 }],
      ['check.update', 'check', String(c.id), { experiment: 'SEEN', name: 'c', version: 2 }],
      ['check.delete', 'check', String(c.id), { experiment: 'SEEN', name: 'c', version: 2 }],
      ['host.create', 'host', String(h.id), { experiment: 'SEEN', name: 'h' }],
    ]);
  });
});
