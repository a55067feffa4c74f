/**
 * Validation of rule groups as Prometheus 2.42's rulefmt does it (unique group names, alert xor record,
 * valid metric and label names, durations, unknown keys refused), plus MyMONIT's limits (interval at
 * least 1 s) and classifier. Every problem is collected, each with its path and a message naming the
 * group, the rule (index and name) and the field.
 */
import type { RuleCheckers } from './checkers';
import { CLASSIFIER_ANNOTATION, parseClassifier, parseClassifierAnnotation, type ClassifierProblems } from './classifier-codec';
import { parseDuration } from './duration';
import { isRawMap, type Raw, type RawMap } from './raw';
import type { Classifier, Rule, RuleGroupDefinition } from './rule';
import { DEFAULT_GROUP_INTERVAL_MS, MIN_GROUP_INTERVAL_MS } from './rule';
import { checkTemplate } from './template';

export interface RuleIssue {
  /** Where, as keys and indexes from the document's root (`groups`, 0, `rules`, 2, `expr`). */
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** The problem is the key itself (unknown, badly named), not its value. */
  readonly key?: boolean;
}

export class RuleValidationError extends Error {
  constructor(readonly issues: readonly RuleIssue[]) {
    super(issues.map((issue) => issue.message).join('; '));
    this.name = 'RuleValidationError';
  }
}

/** `file`: a Prometheus rule file (classifier in an annotation). `api`: MyMONIT's JSON (a `classifier` key). */
export type RuleFormat = 'file' | 'api';

export const MAX_NAME_LENGTH = 255;
export const MAX_EXPR_LENGTH = 65_535;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const GROUP_KEYS = ['name', 'interval', 'rules'];
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

export function pathText(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

class Collector {
  readonly issues: RuleIssue[] = [];
  add(path: readonly (string | number)[], message: string, key = false): void {
    this.issues.push(key ? { path, message, key } : { path, message });
  }
}

/** A scalar as text: YAML gives strings; JSON must give strings where the format says string. */
function text(value: Raw | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function present(map: RawMap, key: string): boolean {
  const value = map.get(key);
  return value !== undefined && value !== null;
}

class GroupValidator {
  constructor(
    private readonly checkers: RuleCheckers,
    private readonly format: RuleFormat,
    private readonly out: Collector,
  ) {}

  group(raw: Raw, at: readonly (string | number)[]): RuleGroupDefinition | undefined {
    const before = this.out.issues.length;
    if (!isRawMap(raw)) {
      this.out.add(at, `${pathText(at) || 'the group'}: must be a mapping {name, interval, rules}`);
      return undefined;
    }
    const name = text(raw.get('name'));
    const label = name ? `group ${JSON.stringify(name)}` : `group ${pathText(at) || ''}`.trim();
    for (const key of raw.keys()) {
      if (GROUP_KEYS.includes(key)) continue;
      const why = key === 'limit' ? 'is not supported by MyMONIT' : `is not a known key (allowed: ${GROUP_KEYS.join(', ')})`;
      this.out.add([...at, key], `${label}: ${JSON.stringify(key)} ${why}`, true);
    }
    if (!name) this.out.add([...at, 'name'], `${label}: "name" must be a non-empty string`);
    else if ([...name].length > MAX_NAME_LENGTH) this.out.add([...at, 'name'], `${label}: "name" is longer than ${MAX_NAME_LENGTH} characters`);
    // The name is a URL path segment (/rule-groups/{name}): clients resolve "." and ".." away before sending.
    else if (name === '.' || name === '..') this.out.add([...at, 'name'], `${label}: "name" cannot be "." or ".." (it names the group in URLs)`);
    let intervalMs = DEFAULT_GROUP_INTERVAL_MS;
    if (present(raw, 'interval')) {
      const parsed = this.duration(raw.get('interval'), [...at, 'interval'], `${label}: "interval"`);
      if (parsed !== undefined && parsed < MIN_GROUP_INTERVAL_MS) {
        this.out.add([...at, 'interval'], `${label}: "interval" must be at least 1s (omit it for the default 15s)`);
      } else if (parsed !== undefined) intervalMs = parsed;
    }
    const rawRules = raw.get('rules') ?? [];
    const rules: Rule[] = [];
    if (rawRules === null) {
      // `rules:` with nothing after it: an empty group, as Prometheus reads it
    } else if (!Array.isArray(rawRules)) {
      this.out.add([...at, 'rules'], `${label}: "rules" must be a list`);
    } else {
      (rawRules as readonly Raw[]).forEach((rawRule, i) => {
        const rule = this.rule(rawRule, [...at, 'rules', i], `${label}, rules[${i}]`);
        if (rule) rules.push(rule);
      });
    }
    if (this.out.issues.length > before || !name) return undefined;
    return { name, intervalMs, rules };
  }

  private duration(value: Raw | undefined, at: readonly (string | number)[], what: string): number | undefined {
    const raw = text(value);
    if (raw === undefined) {
      this.out.add(at, `${what} must be a duration string such as "1m"`);
      return undefined;
    }
    const parsed = parseDuration(raw);
    if (typeof parsed === 'number') return parsed;
    this.out.add(at, `${what}: ${parsed.error}`);
    return undefined;
  }

  private rule(raw: Raw, at: readonly (string | number)[], where: string): Rule | undefined {
    const before = this.out.issues.length;
    if (!isRawMap(raw)) {
      this.out.add(at, `${where}: must be a mapping with alert or record, and expr`);
      return undefined;
    }
    const alert = text(raw.get('alert'));
    const record = text(raw.get('record'));
    const label = alert ? `${where} (alert ${JSON.stringify(alert)})` : record ? `${where} (record ${JSON.stringify(record)})` : where;
    const fail = (key: string, message: string, onKey = false) => this.out.add([...at, key], `${label}: ${message}`, onKey);
    const allowed = this.format === 'api' ? [...RULE_KEYS, 'classifier'] : RULE_KEYS;
    for (const key of raw.keys()) {
      if (!allowed.includes(key)) fail(key, `${JSON.stringify(key)} is not a known key (allowed: ${allowed.join(', ')})`, true);
    }
    for (const key of ['alert', 'record', 'expr'] as const) {
      if (present(raw, key) && text(raw.get(key)) === undefined) fail(key, `"${key}" must be a string`);
    }
    if (alert && record) fail('record', 'only one of "record" and "alert" must be set');
    if (!alert && !record) fail('alert', 'one of "record" or "alert" must be set');
    const name = alert ?? record ?? '';
    if ([...name].length > MAX_NAME_LENGTH) fail(alert ? 'alert' : 'record', `the name is longer than ${MAX_NAME_LENGTH} characters`);
    const expr = text(raw.get('expr')) ?? '';
    if (expr.trim() === '') fail('expr', '"expr" must be set');
    else if (expr.length > MAX_EXPR_LENGTH) fail('expr', `"expr" is longer than ${MAX_EXPR_LENGTH} characters`);
    else {
      const problem = this.checkers.expressions.check(expr);
      if (problem) fail('expr', `could not parse expression: ${problem.message}`);
    }
    const labels = this.stringMap(raw.get('labels'), [...at, 'labels'], label, 'label');
    const annotations = this.stringMap(raw.get('annotations'), [...at, 'annotations'], label, 'annotation');
    if (record) return this.recording(raw, record, expr, labels, annotations, at, label, before);

    const forMs = present(raw, 'for') ? this.duration(raw.get('for'), [...at, 'for'], `${label}: "for"`) : 0;
    const keepMs = present(raw, 'keep_firing_for')
      ? this.duration(raw.get('keep_firing_for'), [...at, 'keep_firing_for'], `${label}: "keep_firing_for"`)
      : 0;
    for (const [kind, map] of [['labels', labels], ['annotations', annotations]] as const) {
      for (const [key, value] of map ?? []) {
        if (kind === 'annotations' && key === CLASSIFIER_ANNOTATION) continue;
        const problem = checkTemplate(value);
        if (problem) fail(kind, `${kind}.${key}: template: ${problem}`);
      }
    }
    const classifier = this.classifier(raw, annotations, at, label);
    if (this.out.issues.length > before || !alert || forMs === undefined || keepMs === undefined) return undefined;
    const kept = new Map([...(annotations ?? [])].filter(([key]) => key !== CLASSIFIER_ANNOTATION));
    return {
      kind: 'alert',
      name: alert,
      expr,
      forMs,
      keepFiringForMs: keepMs,
      labels: labels ?? new Map(),
      annotations: kept,
      ...(classifier ? { classifier } : {}),
    };
  }

  private recording(
    raw: RawMap,
    record: string,
    expr: string,
    labels: Map<string, string> | undefined,
    annotations: Map<string, string> | undefined,
    at: readonly (string | number)[],
    label: string,
    before: number,
  ): Rule | undefined {
    const fail = (key: string, message: string) => this.out.add([...at, key], `${label}: ${message}`);
    if (!METRIC_NAME.test(record)) fail('record', `invalid recording rule name: ${record}`);
    if (annotations && annotations.size > 0) fail('annotations', 'invalid field "annotations" in recording rule');
    for (const key of ['for', 'keep_firing_for'] as const) {
      if (!present(raw, key)) continue;
      const ms = this.duration(raw.get(key), [...at, key], `${label}: "${key}"`);
      if (ms !== undefined && ms !== 0) fail(key, `invalid field "${key}" in recording rule`);
    }
    if (present(raw, 'classifier')) fail('classifier', 'a recording rule has no classifier');
    if (this.out.issues.length > before) return undefined;
    return { kind: 'record', name: record, expr, labels: labels ?? new Map() };
  }

  private classifier(raw: RawMap, annotations: Map<string, string> | undefined, at: readonly (string | number)[], label: string): Classifier | undefined {
    const problems: ClassifierProblems = [];
    let classifier: Classifier | undefined;
    let base: (string | number)[];
    if (this.format === 'api') {
      base = [...at, 'classifier'];
      if (annotations?.has(CLASSIFIER_ANNOTATION)) {
        this.out.add([...at, 'annotations', CLASSIFIER_ANNOTATION], `${label}: annotation ${CLASSIFIER_ANNOTATION} is reserved: use "classifier"`);
      }
      if (!present(raw, 'classifier')) return undefined;
      classifier = parseClassifier(raw.get('classifier'), problems);
    } else {
      base = [...at, 'annotations', CLASSIFIER_ANNOTATION];
      const encoded = annotations?.get(CLASSIFIER_ANNOTATION);
      if (encoded === undefined) return undefined;
      classifier = parseClassifierAnnotation(encoded, problems);
    }
    const what = this.format === 'api' ? 'classifier' : `annotations.${CLASSIFIER_ANNOTATION}`;
    for (const [sub, message] of problems) this.out.add(base, `${label}: ${what}${sub} ${message}`);
    return classifier;
  }

  private stringMap(raw: Raw | undefined, at: readonly (string | number)[], label: string, kind: 'label' | 'annotation'): Map<string, string> | undefined {
    if (raw === undefined || raw === null) return undefined;
    const field = `${kind}s`;
    if (!isRawMap(raw)) {
      this.out.add(at, `${label}: "${field}" must be a mapping of names to strings`);
      return undefined;
    }
    const map = new Map<string, string>();
    for (const [key, value] of raw) {
      if (!LABEL_NAME.test(key) || (kind === 'label' && key === '__name__')) {
        this.out.add([...at, key], `${label}: invalid ${kind} name: ${JSON.stringify(key)}`, true);
      }
      if (typeof value !== 'string') {
        this.out.add([...at, key], `${label}: ${field}.${key} must be a string`);
        continue;
      }
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
        this.out.add([...at, key], `${label}: invalid ${kind} value for ${key}: not valid UTF-8`);
      }
      map.set(key, value);
    }
    return map;
  }
}

/** One group (the REST API's body). Throws RuleValidationError listing every problem. */
export function validateGroup(raw: Raw, format: RuleFormat, checkers: RuleCheckers): RuleGroupDefinition {
  const out = new Collector();
  const group = new GroupValidator(checkers, format, out).group(raw, []);
  if (out.issues.length > 0 || !group) throw new RuleValidationError(out.issues.length > 0 ? out.issues : [{ path: [], message: 'invalid group' }]);
  return group;
}

/** A whole rule file's content (`groups: [...]`). Throws RuleValidationError listing every problem. */
export function validateRuleFile(raw: Raw, format: RuleFormat, checkers: RuleCheckers): RuleGroupDefinition[] {
  const out = new Collector();
  const groups: RuleGroupDefinition[] = [];
  if (raw === null) return groups;
  if (!isRawMap(raw)) throw new RuleValidationError([{ path: [], message: 'a rule file is a mapping with the key "groups"' }]);
  for (const key of raw.keys()) if (key !== 'groups') out.add([key], `${JSON.stringify(key)} is not a known key (allowed: groups)`, true);
  const list = raw.get('groups') ?? null;
  if (list !== null && !Array.isArray(list)) out.add(['groups'], '"groups" must be a list');
  const validator = new GroupValidator(checkers, format, out);
  const seen = new Set<string>();
  if (Array.isArray(list)) {
    (list as readonly Raw[]).forEach((rawGroup, i) => {
      const group = validator.group(rawGroup, ['groups', i]);
      const name = isRawMap(rawGroup) ? text(rawGroup.get('name')) : undefined;
      if (name !== undefined && name !== '') {
        if (seen.has(name)) out.add(['groups', i, 'name'], `group ${JSON.stringify(name)}: ${JSON.stringify(name)} is repeated in the same file`);
        seen.add(name);
      }
      if (group) groups.push(group);
    });
  }
  if (out.issues.length > 0) throw new RuleValidationError(out.issues);
  return groups;
}

/**
 * The second, asynchronous step of validation: every Lua classifier compiled by the sandbox. `at` is
 * where the groups sit in the document (`['groups']` in a file, `[]` for one REST group).
 */
export async function checkLuaClassifiers(
  groups: readonly RuleGroupDefinition[],
  format: RuleFormat,
  checkers: RuleCheckers,
  at: readonly (string | number)[],
): Promise<RuleIssue[]> {
  const issues: RuleIssue[] = [];
  for (const [g, group] of groups.entries()) {
    for (const [r, rule] of group.rules.entries()) {
      if (rule.kind !== 'alert' || rule.classifier?.kind !== 'lua') continue;
      const problem = await checkers.classifiers.checkLua(rule.classifier.code);
      if (problem === undefined) continue;
      const groupPath = at.length > 0 ? [...at, g] : [];
      const path = format === 'api' ? [...groupPath, 'rules', r, 'classifier'] : [...groupPath, 'rules', r, 'annotations', CLASSIFIER_ANNOTATION];
      const what = format === 'api' ? 'classifier' : `annotations.${CLASSIFIER_ANNOTATION}`;
      issues.push({ path, message: `group ${JSON.stringify(group.name)}, rules[${r}] (alert ${JSON.stringify(rule.name)}): ${what}.lua: ${problem}` });
    }
  }
  return issues;
}

/** validateGroup, then the Lua classifiers: what the services call. */
export async function validateGroupChecked(raw: Raw, format: RuleFormat, checkers: RuleCheckers): Promise<RuleGroupDefinition> {
  const group = validateGroup(raw, format, checkers);
  const issues = await checkLuaClassifiers([group], format, checkers, []);
  if (issues.length > 0) throw new RuleValidationError(issues);
  return group;
}
