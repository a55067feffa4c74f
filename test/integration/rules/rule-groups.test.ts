import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { User } from '../../../src/domain/user';
import { TYPES } from '../../../src/identifiers';
import type { RuleService } from '../../../src/services/rule-service';
import type { RuleGroupStore } from '../../../src/storage/alerting-stores';
import { fakeRuleCheckers } from '../../support/fake-rule-checkers';
import { call, startPlatform, type TestPlatform } from '../../support/platform';
import { promtool } from '../../support/promtool';

const GROUP = {
  name: 'load',
  interval: '30s',
  rules: [
    {
      alert: 'HighLoad',
      expr: 'load1 > 4',
      for: '5m',
      labels: { severity: 'major', __proto__: 'kept' },
      annotations: { summary: '{{ $labels.instance }} at {{ $value | humanize }}' },
      classifier: { thresholds: [{ severity: 'critical', op: '>', value: 8 }] },
    },
    { record: 'job:load1:avg', expr: 'avg by (job) (load1)' },
  ],
};

describe('rule groups over REST', () => {
  let p: TestPlatform;
  let admin: string;
  let sci: string;
  let scientist: User;

  beforeAll(async () => {
    p = await startPlatform({
      configure: (container) => {
        container.rebindSync(TYPES.ExpressionChecker).toConstantValue(fakeRuleCheckers.expressions);
        container.rebindSync(TYPES.ClassifierChecker).toConstantValue(fakeRuleCheckers.classifiers);
      },
    });
    admin = await p.tokenFor(p.admin);
    scientist = await p.createUser('SCIENTIST', 'sci');
    sci = await p.tokenFor(scientist);
    for (const code of ['ASSOC', 'PRIVATE']) {
      expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code, name: code } })).status).toBe(201);
    }
    expect((await call(p.baseUrl, 'PUT', `/experiments/ASSOC/users/${scientist.id}`, { token: admin })).status).toBe(204);
  });
  afterAll(() => p.stop());

  // JSON.stringify drops a literal __proto__ key of an object literal: the body is written out by hand.
  const body = (group: unknown) => JSON.stringify(group).replace('"severity":"major"', '"severity":"major","__proto__":"kept"');

  it('an ADMIN creates, reads, replaces and deletes a group; rule ids survive an edit in place; each change is audited', async () => {
    const created = await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: admin, rawBody: body(GROUP) });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/experiments/ASSOC/rule-groups/load');
    expect(created.body).toMatchObject({ experiment: 'ASSOC', name: 'load', interval: '30s', version: 1 });
    expect(created.body.rules[0]).toMatchObject({
      alert: 'HighLoad',
      for: '5m',
      keep_firing_for: '0s',
      labels: { severity: 'major' },
      classifier: { thresholds: [{ severity: 'critical', op: '>', value: 8 }] },
    });
    expect(Object.getOwnPropertyDescriptor(created.body.rules[0].labels, '__proto__')?.value).toBe('kept');
    const [alertId, recordId] = created.body.rules.map((r: { id: number }) => r.id);

    const list = await call(p.baseUrl, 'GET', '/experiments/ASSOC/rule-groups', { token: admin });
    expect(list.body.items.map((g: { name: string }) => g.name)).toEqual(['load']);

    const edited = { ...GROUP, rules: [{ ...GROUP.rules[0], expr: 'load1 > 5' }, { record: 'other:name', expr: 'sum(load1)' }] };
    const replaced = await call(p.baseUrl, 'PUT', '/experiments/ASSOC/rule-groups/load', { token: admin, body: edited });
    expect(replaced.status).toBe(200);
    expect(replaced.body.version).toBe(2);
    expect(replaced.body.rules[0]).toMatchObject({ id: alertId, expr: 'load1 > 5' });
    expect(replaced.body.rules[1].id).not.toBe(recordId);

    const rule = await call(p.baseUrl, 'GET', `/rules/${alertId}`, { token: admin });
    expect(rule.body).toMatchObject({ id: alertId, alert: 'HighLoad', experiment: 'ASSOC', group: 'load' });
    expect((await call(p.baseUrl, 'GET', `/rules/${recordId}`, { token: admin })).status).toBe(404);

    expect((await call(p.baseUrl, 'DELETE', '/experiments/ASSOC/rule-groups/load', { token: admin })).status).toBe(204);
    expect((await call(p.baseUrl, 'GET', '/experiments/ASSOC/rule-groups/load', { token: admin })).status).toBe(404);

    const audit = await call(p.baseUrl, 'GET', '/audit?limit=1000', { token: admin });
    const actions = audit.body.items
      .filter((e: { resource_type: string }) => e.resource_type === 'rule-group')
      .map((e: { action: string; resource_id: string; actor: string }) => [e.action, e.resource_id, e.actor]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['rule-group.create', 'ASSOC/load', p.admin.pseudonym],
        ['rule-group.update', 'ASSOC/load', p.admin.pseudonym],
        ['rule-group.delete', 'ASSOC/load', p.admin.pseudonym],
      ]),
    );
  });

  it('a bad expression is a 400 naming the group, the rule, the field and the position', async () => {
    const bad = { name: 'bad', rules: [{ alert: 'Ok', expr: 'up' }, { alert: 'Broken', expr: 'rate(syntax_error(x)[5m])' }] };
    const refused = await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: admin, body: bad });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([
      { path: 'rules[1].expr', message: 'group "bad", rules[1] (alert "Broken"): could not parse expression: 1:6: parse error: unknown function with name "syntax_error"' },
    ]);
    expect((await call(p.baseUrl, 'GET', '/experiments/ASSOC/rule-groups/bad', { token: admin })).status).toBe(404);
    const lua = { name: 'lua', rules: [{ alert: 'L', expr: 'up', classifier: { lua: 'os.execute("x")', history: 2 } }] };
    const refusedLua = await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: admin, body: lua });
    expect(refusedLua.status).toBe(400);
    expect(refusedLua.body.errors).toEqual([{ path: 'rules[0].classifier', message: 'group "lua", rules[0] (alert "L"): classifier.lua: os is not available in the sandbox' }]);
  });

  it('keeps an expression and an annotation larger than 64 KiB of multi-byte text', async () => {
    const long = 'é'.repeat(40_000);
    const group = { name: 'big', rules: [{ alert: 'Big', expr: `up # ${long}`, annotations: { description: long } }] };
    const created = await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: admin, body: group });
    expect(created.status).toBe(201);
    const read = await call(p.baseUrl, 'GET', '/experiments/ASSOC/rule-groups/big', { token: admin });
    expect(read.body.rules[0].annotations.description).toBe(long);
    expect(read.body.rules[0].expr).toBe(`up # ${long}`);
  });

  it('a repeated group name is a 409; a PUT whose body names another group is a 400', async () => {
    const group = { name: 'twice', rules: [] };
    expect((await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: admin, body: group })).status).toBe(201);
    expect((await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: admin, body: group })).status).toBe(409);
    expect((await call(p.baseUrl, 'PUT', '/experiments/ASSOC/rule-groups/other', { token: admin, body: group })).status).toBe(400);
  });

  it('a SCIENTIST reads the groups of associated experiments, gets 404 for others and 403 for writes', async () => {
    const group = { name: 'visible', rules: [{ alert: 'A', expr: 'up == 0' }] };
    const a = await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: admin, body: group });
    const b = await call(p.baseUrl, 'POST', '/experiments/PRIVATE/rule-groups', { token: admin, body: group });
    expect((await call(p.baseUrl, 'GET', '/experiments/ASSOC/rule-groups/visible', { token: sci })).status).toBe(200);
    expect((await call(p.baseUrl, 'GET', '/experiments/ASSOC/rule-groups', { token: sci })).status).toBe(200);
    expect((await call(p.baseUrl, 'GET', `/rules/${a.body.rules[0].id}`, { token: sci })).status).toBe(200);
    expect((await call(p.baseUrl, 'GET', '/experiments/PRIVATE/rule-groups', { token: sci })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/experiments/PRIVATE/rule-groups/visible', { token: sci })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', `/rules/${b.body.rules[0].id}`, { token: sci })).status).toBe(404);
    expect((await call(p.baseUrl, 'POST', '/experiments/ASSOC/rule-groups', { token: sci, body: { name: 'x', rules: [] } })).status).toBe(403);
    expect((await call(p.baseUrl, 'PUT', '/experiments/ASSOC/rule-groups/visible', { token: sci, body: group })).status).toBe(403);
    expect((await call(p.baseUrl, 'DELETE', '/experiments/ASSOC/rule-groups/visible', { token: sci })).status).toBe(403);
  });

  it('the evaluator reads every group with its experiment and version; deleting an experiment deletes its rules', async () => {
    expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'GONE', name: 'gone' } })).status).toBe(201);
    const created = await call(p.baseUrl, 'POST', '/experiments/GONE/rule-groups', { token: admin, body: GROUP });
    const reader = p.container.get<RuleGroupStore>(TYPES.RuleGroupStore);
    const group = await reader.findById(created.body.id);
    expect(group).toMatchObject({ experiment: 'GONE', name: 'load', intervalMs: 30_000, version: 1 });
    expect(group?.rules[0]).toMatchObject({ kind: 'alert', name: 'HighLoad', forMs: 300_000, classifier: { kind: 'thresholds' } });
    expect((await reader.listAll()).map((g) => `${g.experiment}/${g.name}`)).toContain('GONE/load');
    expect((await call(p.baseUrl, 'DELETE', '/experiments/GONE', { token: admin })).status).toBe(204);
    expect(await reader.findById(created.body.id)).toBeUndefined();
    expect((await call(p.baseUrl, 'GET', `/rules/${created.body.rules[0].id}`, { token: admin })).status).toBe(404);
  });

  it('the export passes promtool check rules and imports back to the same groups; promtool and MyMONIT both refuse a bad file', async () => {
    const rules = p.container.get<RuleService>(TYPES.RuleService);
    await call(p.baseUrl, 'POST', '/experiments/PRIVATE/rule-groups', { token: admin, body: GROUP });
    const exported = await rules.exportFile('cli', 'PRIVATE');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-rules-'));
    try {
      const file = path.join(dir, 'rules.yml');
      fs.writeFileSync(file, exported);
      const checked = promtool(['check', 'rules', file]);
      expect(checked).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });

      expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'COPY', name: 'copy' } })).status).toBe(201);
      const outcomes = await rules.importFile('cli', 'COPY', exported, false);
      expect(outcomes.map((o) => o.action)).toEqual(outcomes.map(() => 'created'));
      expect(await rules.exportFile('cli', 'COPY')).toBe(exported.replace(/experiment PRIVATE/g, 'experiment COPY'));

      // Structure errors both refuse (expression syntax needs the real engine: see the report).
      const bad = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        record: b\n        expr: up\n';
      fs.writeFileSync(file, bad);
      expect(promtool(['check', 'rules', file]).status).not.toBe(0);
      await expect(rules.importFile('cli', 'COPY', bad, true)).rejects.toThrow(/only one of "record" and "alert"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rule groups over REST as YAML', () => {
  let p: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    p = await startPlatform({
      configure: (container) => {
        container.rebindSync(TYPES.ExpressionChecker).toConstantValue(fakeRuleCheckers.expressions);
        container.rebindSync(TYPES.ClassifierChecker).toConstantValue(fakeRuleCheckers.classifiers);
      },
    });
    admin = await p.tokenFor(p.admin);
    expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'Y', name: 'yaml' } })).status).toBe(201);
  });
  afterAll(() => p.stop());

  const yaml = (text: string) => ({ token: admin, rawBody: text, headers: { 'content-type': 'application/yaml' } });
  const FILE = `groups:
  - name: yamlgroup
    interval: 1m
    rules:
      - alert: A
        expr: up == 0
        annotations:
          mymonit_classifier: '{"thresholds":[{"severity":"major","op":"==","value":0}]}'
`;

  it('POST and PUT take a rule file of one group, the classifier in its annotation', async () => {
    const created = await call(p.baseUrl, 'POST', '/experiments/Y/rule-groups', yaml(FILE));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'yamlgroup', interval: '1m', rules: [{ alert: 'A', annotations: {}, classifier: { thresholds: [{ severity: 'major' }] } }] });
    const replaced = await call(p.baseUrl, 'PUT', '/experiments/Y/rule-groups/yamlgroup', { ...yaml(FILE.replace('up == 0', 'up < 1')), headers: { 'content-type': 'text/yaml' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ version: 2, rules: [{ id: created.body.rules[0].id, expr: 'up < 1' }] });
  });

  it('a bad file is a 400 problem naming the line; two groups are refused', async () => {
    const bad = await call(p.baseUrl, 'POST', '/experiments/Y/rule-groups', yaml('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: syntax_error(up)\n'));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    expect(bad.body.errors).toEqual([{ path: 'groups[0].rules[0].expr', message: expect.stringMatching(/^line 5:15: group "g", rules\[0\] \(alert "A"\): could not parse expression: 1:1/) }]);
    const two = await call(p.baseUrl, 'POST', '/experiments/Y/rule-groups', yaml('groups: [{name: a, rules: []}, {name: b, rules: []}]'));
    expect(two.status).toBe(400);
    expect(two.body.detail).toMatch(/exactly one group/);
  });

  it('a SCIENTIST cannot write YAML either', async () => {
    const sci = await p.tokenFor(await p.createUser('SCIENTIST'));
    expect((await call(p.baseUrl, 'POST', '/experiments/Y/rule-groups', { ...yaml(FILE), token: sci })).status).toBe(403);
  });
});
