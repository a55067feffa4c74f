import fc from 'fast-check';
import { parseRuleFile, parseRuleFileChecked, formatRuleFile } from '../../../../src/alerting/rules/rule-file';
import { RuleValidationError, validateGroup, validateGroupChecked } from '../../../../src/alerting/rules/rule-validation';
import { rawFromJson } from '../../../../src/alerting/rules/raw';
import type { AlertingRule, RuleGroupDefinition } from '../../../../src/alerting/rules/rule';
import { fakeRuleCheckers } from '../../../support/fake-rule-checkers';

function issues(source: string): string[] {
  try {
    parseRuleFile(source, fakeRuleCheckers);
  } catch (error) {
    if (error instanceof RuleValidationError) return error.issues.map((i) => i.message);
    throw error;
  }
  throw new Error('the file was accepted');
}

const VALID = `
groups:
  - name: load
    interval: 30s
    rules:
      - alert: HighLoad
        expr: load1 > 4
        for: 5m
        keep_firing_for: 1m
        labels: { severity: major, team: ops }
        annotations:
          summary: "{{ $labels.instance }} at {{ $value | humanize }}"
          mymonit_classifier: '{"thresholds":[{"severity":"critical","op":">","value":8}]}'
      - record: job:load1:avg
        expr: avg by (job) (load1)
        labels: { kind: recorded }
  - name: defaults
    rules:
      - alert: Down
        expr: up == 0
`;

describe('rule files: reading', () => {
  it('reads groups, durations, labels, annotations and the classifier annotation', () => {
    const [load, defaults] = parseRuleFile(VALID, fakeRuleCheckers);
    expect(load?.intervalMs).toBe(30_000);
    expect(defaults?.intervalMs).toBe(15_000);
    const alert = load?.rules[0] as AlertingRule;
    expect(alert).toMatchObject({ kind: 'alert', name: 'HighLoad', expr: 'load1 > 4', forMs: 300_000, keepFiringForMs: 60_000 });
    expect([...alert.labels]).toEqual([['severity', 'major'], ['team', 'ops']]);
    expect([...alert.annotations.keys()]).toEqual(['summary']);
    expect(alert.classifier).toEqual({ kind: 'thresholds', thresholds: [{ severity: 'critical', op: '>', value: 8 }] });
    expect(load?.rules[1]).toMatchObject({ kind: 'record', name: 'job:load1:avg' });
    expect(defaults?.rules[0]).toMatchObject({ forMs: 0, keepFiringForMs: 0 });
  });

  it('an empty file has no groups', () => {
    expect(parseRuleFile('', fakeRuleCheckers)).toEqual([]);
    expect(parseRuleFile('groups: []', fakeRuleCheckers)).toEqual([]);
  });

  it('keeps a label named __proto__ as a label', () => {
    const [group] = parseRuleFile('groups: [{name: g, rules: [{alert: A, expr: up, labels: {__proto__: x}}]}]', fakeRuleCheckers);
    expect(group?.rules[0]?.labels.get('__proto__')).toBe('x');
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it.each([
    ['unknown top-level key', 'groups: []\nextra: 1', /line 2:1: "extra" is not a known key/],
    ['repeated group name', 'groups: [{name: a, rules: []}, {name: a, rules: []}]', /group "a": "a" is repeated in the same file/],
    ['a group named ..', 'groups: [{name: "..", rules: []}]', /"name" cannot be "." or ".."/],
    ['a group named .', 'groups: [{name: ".", rules: []}]', /"name" cannot be "." or ".."/],
    ['group without name', 'groups: [{rules: []}]', /group groups\[0\]: "name" must be a non-empty string/],
    ['unknown group key', 'groups: [{name: a, rules: [], colour: red}]', /line 1:31: group "a": "colour" is not a known key/],
    ['group limit', 'groups: [{name: a, limit: 10, rules: []}]', /"limit" is not supported/],
    ['interval below 1s', 'groups: [{name: a, interval: 500ms, rules: []}]', /"interval" must be at least 1s/],
    ['interval not a duration', 'groups: [{name: a, interval: 1.5m, rules: []}]', /"interval": not a valid duration string: "1.5m"/],
    ['units out of order', 'groups: [{name: a, interval: 1s1m, rules: []}]', /not a valid duration/],
    ['rules not a list', 'groups: [{name: a, rules: x}]', /"rules" must be a list/],
    ['alert and record', 'groups: [{name: a, rules: [{alert: A, record: b, expr: up}]}]', /rules\[0\] \(alert "A"\): only one of "record" and "alert" must be set/],
    ['neither alert nor record', 'groups: [{name: a, rules: [{expr: up}]}]', /rules\[0\]: one of "record" or "alert" must be set/],
    ['no expr', 'groups: [{name: a, rules: [{alert: A}]}]', /\(alert "A"\): "expr" must be set/],
    ['bad expr', 'groups: [{name: a, rules: [{alert: A, expr: "syntax_error(up)"}]}]', /group "a", rules\[0\] \(alert "A"\): could not parse expression: 1:1: parse error/],
    ['bad record name', 'groups: [{name: a, rules: [{record: "1bad", expr: up}]}]', /invalid recording rule name: 1bad/],
    ['annotations on a recording rule', 'groups: [{name: a, rules: [{record: r, expr: up, annotations: {a: b}}]}]', /invalid field "annotations" in recording rule/],
    ['for on a recording rule', 'groups: [{name: a, rules: [{record: r, expr: up, for: 1m}]}]', /invalid field "for" in recording rule/],
    ['keep_firing_for on a recording rule', 'groups: [{name: a, rules: [{record: r, expr: up, keep_firing_for: 1m}]}]', /invalid field "keep_firing_for" in recording rule/],
    ['bad label name', 'groups: [{name: a, rules: [{alert: A, expr: up, labels: {"a-b": x}}]}]', /invalid label name: "a-b"/],
    ['__name__ label', 'groups: [{name: a, rules: [{alert: A, expr: up, labels: {__name__: x}}]}]', /invalid label name: "__name__"/],
    ['bad annotation name', 'groups: [{name: a, rules: [{alert: A, expr: up, annotations: {"1x": y}}]}]', /invalid annotation name: "1x"/],
    ['bad for', 'groups: [{name: a, rules: [{alert: A, expr: up, for: 5 minutes}]}]', /"for": not a valid duration string/],
    ['unknown rule key', 'groups: [{name: a, rules: [{alert: A, expr: up, severity: high}]}]', /"severity" is not a known key/],
    ['classifier key in a file', 'groups: [{name: a, rules: [{alert: A, expr: up, classifier: {}}]}]', /"classifier" is not a known key/],
    ['unsupported template', 'groups: [{name: a, rules: [{alert: A, expr: up, annotations: {s: "{{ range $labels }}x{{ end }}"}}]}]', /annotations.s: template: 1:4: range is not supported/],
    ['template in a label', 'groups: [{name: a, rules: [{alert: A, expr: up, labels: {s: "{{ query \\"up\\" }}"}}]}]', /labels.s: template: 1:4: query is not supported/],
    ['bad classifier JSON', `groups: [{name: a, rules: [{alert: A, expr: up, annotations: {mymonit_classifier: "{"}}]}]`, /annotations.mymonit_classifier is not valid JSON/],
    ['bad classifier severity', `groups: [{name: a, rules: [{alert: A, expr: up, annotations: {mymonit_classifier: '{"thresholds":[{"severity":"ok","op":">","value":1}]}'}}]}]`, /mymonit_classifier.thresholds\[0\].severity must be one of/],
    ['duplicate YAML key', 'groups: [{name: a, name: b, rules: []}]', /YAML: Map keys must be unique/],
  ])('refuses %s, naming it', (_what, source, message) => {
    expect(issues(source)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('has the sandbox compile each Lua classifier, locating a refusal at its annotation', async () => {
    const source = `groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        annotations:\n          mymonit_classifier: '{"lua":"os.exit()"}'\n`;
    expect(parseRuleFile(source, fakeRuleCheckers)).toHaveLength(1);
    await expect(parseRuleFileChecked(source, fakeRuleCheckers)).rejects.toThrow(
      'line 7:31: group "a", rules[0] (alert "A"): annotations.mymonit_classifier.lua: os is not available in the sandbox',
    );
    await expect(parseRuleFileChecked(source.replace('os.exit()', 'return \\"ok\\"'), fakeRuleCheckers)).resolves.toHaveLength(1);
  });

  it('locates each problem by line and column and reports them all at once', () => {
    const found = issues('groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: syntax_error(up)\n      - record: "bad name"\n        expr: up\n');
    expect(found).toEqual([expect.stringMatching(/^line 5:15: .*rules\[0\]/), expect.stringMatching(/^line 6:17: .*rules\[1\].*invalid recording rule name/)]);
  });
});

describe('REST groups', () => {
  const group = (rule: Record<string, unknown>) => rawFromJson({ name: 'g', interval: '1m', rules: [rule] });
  it('take the classifier as a key and refuse the annotation', () => {
    const parsed = validateGroup(group({ alert: 'A', expr: 'up', classifier: { lua: 'return "ok"', history: 5 } }), 'api', fakeRuleCheckers);
    expect((parsed.rules[0] as AlertingRule).classifier).toEqual({ kind: 'lua', code: 'return "ok"', history: 5 });
    expect(() => validateGroup(group({ alert: 'A', expr: 'up', annotations: { mymonit_classifier: '{}' } }), 'api', fakeRuleCheckers)).toThrow(/reserved/);
  });
  it('refuse non-string values where the file format has strings', () => {
    expect(() => validateGroup(group({ alert: 'A', expr: 'up', labels: { a: 1 } }), 'api', fakeRuleCheckers)).toThrow(/labels.a must be a string/);
    expect(() => validateGroup(group({ alert: 'A', expr: 5 }), 'api', fakeRuleCheckers)).toThrow(/"expr" must be a string/);
  });
  it('have the sandbox compile a Lua classifier', async () => {
    await expect(validateGroupChecked(group({ alert: 'A', expr: 'up', classifier: { lua: 'os.exit()' } }), 'api', fakeRuleCheckers)).rejects.toMatchObject({
      issues: [{ path: ['rules', 0, 'classifier'], message: 'group "g", rules[0] (alert "A"): classifier.lua: os is not available in the sandbox' }],
    });
  });
  it('refuse a classifier on a recording rule and a bad history', () => {
    expect(() => validateGroup(group({ record: 'r', expr: 'up', classifier: { lua: 'x' } }), 'api', fakeRuleCheckers)).toThrow(/no classifier/);
    expect(() => validateGroup(group({ alert: 'A', expr: 'up', classifier: { lua: 'x', history: 0 } }), 'api', fakeRuleCheckers)).toThrow(/history must be an integer/);
    expect(() => validateGroup(group({ alert: 'A', expr: 'up', classifier: { lua: 'x', thresholds: [] } }), 'api', fakeRuleCheckers)).toThrow(/exactly one/);
  });
});

describe('rule files: writing', () => {
  it('writes what it reads (classifier annotation included)', () => {
    const groups = parseRuleFile(VALID, fakeRuleCheckers);
    expect(parseRuleFile(formatRuleFile(groups), fakeRuleCheckers)).toEqual(groups);
  });

  it('hides {{ in Lua code from Go templates', () => {
    const group: RuleGroupDefinition = {
      name: 'g',
      intervalMs: 15_000,
      rules: [{ kind: 'alert', name: 'A', expr: 'up', forMs: 0, keepFiringForMs: 0, labels: new Map(), annotations: new Map(), classifier: { kind: 'lua', code: 'local t = {{1}} return "ok"', history: 2 } }],
    };
    const text = formatRuleFile([group]);
    expect(text).not.toContain('{{');
    expect(parseRuleFile(text, fakeRuleCheckers)).toEqual([group]);
  });

  const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
  const value = fc.string({ maxLength: 12 }).filter((s) => !s.includes('{{'));
  const labels = fc.uniqueArray(fc.tuple(name.filter((n) => n !== '__name__'), value), { selector: ([k]) => k, maxLength: 3 }).map((e) => new Map(e));
  const duration = fc.integer({ min: 0, max: 400 }).map((n) => n * 1000);
  const classifier = fc.oneof(
    fc.constant(undefined),
    fc.record({ kind: fc.constant('lua' as const), code: fc.string({ minLength: 1, maxLength: 20 }).filter((c) => c.trim() !== '' && !c.includes('os.')), history: fc.integer({ min: 1, max: 1000 }) }),
    fc.record({
      kind: fc.constant('thresholds' as const),
      thresholds: fc.array(fc.record({ severity: fc.constantFrom('minor' as const, 'major' as const, 'critical' as const, 'unknown' as const), op: fc.constantFrom('>' as const, '<=' as const, '!=' as const), value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)) }), { minLength: 1, maxLength: 3 }),
    }),
  );
  const alert = fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ''), expr: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '' && !s.includes('syntax_error(')), forMs: duration, keepFiringForMs: duration, labels, annotations: labels, classifier }).map(
    ({ classifier: c, ...rest }) => ({ kind: 'alert' as const, ...rest, ...(c ? { classifier: c } : {}) }),
  );
  const record = fc.record({ name: fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/), expr: fc.constant('sum(up)'), labels }).map((r) => ({ kind: 'record' as const, ...r }));
  const groups = fc.uniqueArray(
    // "." and ".." are refused as group names (they would name no group in a URL): see the cases above.
    fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }).filter((n) => n !== '.' && n !== '..'), intervalMs: fc.integer({ min: 1, max: 3600 }).map((s) => s * 1000), rules: fc.array(fc.oneof(alert, record), { maxLength: 4 }) }),
    { selector: (g) => g.name, maxLength: 3 },
  );

  it('export then import gives the same groups (property)', () => {
    fc.assert(
      fc.property(groups, (gs) => {
        expect(parseRuleFile(formatRuleFile(gs), fakeRuleCheckers)).toEqual(gs);
      }),
      { numRuns: 200 },
    );
  });
});
