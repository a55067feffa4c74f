import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../src/domain/errors';
import type { User } from '../../../src/domain/user';
import { rawFromJson } from '../../../src/alerting/rules/raw';
import { inMemoryServices, type InMemoryServices } from '../../support/in-memory-services';

const json = (group: unknown) => ({ kind: 'json' as const, raw: rawFromJson(group) });
const GROUP = { name: 'load', rules: [{ alert: 'High', expr: 'load1 > 4' }, { record: 'job:x', expr: 'sum(x)' }] };

/** Rules follow the matrix of measures: ADMIN writes, SCIENTIST reads associated experiments only, 404 otherwise. */
describe('RuleService', () => {
  let s: InMemoryServices;
  let admin: User;
  let scientist: User;

  beforeEach(async () => {
    s = inMemoryServices();
    admin = await s.createUser('ADMIN');
    scientist = await s.createUser('SCIENTIST');
    await s.experiments.create(admin, { code: 'SEEN', name: 'associated' });
    await s.experiments.create(admin, { code: 'HIDDEN', name: 'not associated' });
    await s.experiments.associate(admin, 'SEEN', scientist.id);
    await s.rules.createGroup(admin, 'SEEN', json(GROUP));
    await s.rules.createGroup(admin, 'HIDDEN', json(GROUP));
  });

  it('a SCIENTIST reads the groups and rules of an associated experiment', async () => {
    const [group] = await s.rules.listGroups(scientist, 'SEEN');
    expect(group?.name).toBe('load');
    expect((await s.rules.getGroup(scientist, 'SEEN', 'load')).rules).toHaveLength(2);
    expect((await s.rules.getRule(scientist, group?.rules[0]?.id ?? 0)).group.experiment).toBe('SEEN');
  });

  it('a SCIENTIST is told "not found" for the groups and rules of another experiment', async () => {
    const [hidden] = await s.rules.listGroups(admin, 'HIDDEN');
    await expect(s.rules.listGroups(scientist, 'HIDDEN')).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.rules.getGroup(scientist, 'HIDDEN', 'load')).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.rules.getRule(scientist, hidden?.rules[0]?.id ?? 0)).rejects.toThrow('rule');
    await expect(s.rules.getRule(scientist, hidden?.rules[0]?.id ?? 0)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes are ADMIN-only (403 before any lookup)', async () => {
    await expect(s.rules.createGroup(scientist, 'SEEN', json({ name: 'x', rules: [] }))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.rules.putGroup(scientist, 'SEEN', 'load', json(GROUP))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.rules.deleteGroup(scientist, 'NOPE', 'load')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.rules.importFile(scientist, 'SEEN', 'groups: []', false)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.rules.exportFile(scientist, 'SEEN')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('every change is audited with the group and its new version', async () => {
    await s.rules.putGroup(admin, 'SEEN', 'load', json(GROUP));
    await s.rules.deleteGroup(admin, 'SEEN', 'load');
    const events = s.stores.audit.events.filter((e) => e.resourceType === 'rule-group').map((e) => [e.action, e.resourceId, e.detail?.version ?? null]);
    expect(events).toEqual([
      ['rule-group.create', 'SEEN/load', 1],
      ['rule-group.create', 'HIDDEN/load', 1],
      ['rule-group.update', 'SEEN/load', 2],
      ['rule-group.delete', 'SEEN/load', null],
    ]);
  });

  it('an invalid group is a ValidationError listing every problem with its path', async () => {
    const refused = s.rules.createGroup(admin, 'SEEN', json({ name: 'bad', interval: '0s', rules: [{ alert: 'A', expr: 'syntax_error(x)' }] }));
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      details: {
        errors: [
          { path: 'interval', message: expect.stringContaining('at least 1s') },
          { path: 'rules[0].expr', message: expect.stringContaining('could not parse expression: 1:1') },
        ],
      },
    });
  });

  it('an import is validated whole and refuses existing groups unless replacing', async () => {
    const file = 'groups:\n  - name: load\n    rules: []\n  - name: fresh\n    rules: []\n';
    await expect(s.rules.importFile('cli', 'SEEN', file, false)).rejects.toBeInstanceOf(ConflictError);
    expect((await s.rules.listGroups(admin, 'SEEN')).map((g) => g.name)).toEqual(['load']);
    expect(await s.rules.importFile('cli', 'SEEN', file, true)).toEqual([
      { group: 'load', action: 'replaced', rules: 0 },
      { group: 'fresh', action: 'created', rules: 0 },
    ]);
  });

  it('an export of all experiments refuses a group name two experiments share', async () => {
    await expect(s.rules.exportFile('cli')).rejects.toThrow(/used by several experiments/);
    expect(await s.rules.exportFile('cli', 'SEEN')).toContain('# experiment SEEN');
  });
});
