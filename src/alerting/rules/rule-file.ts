/**
 * Prometheus rule files (YAML) in and out. Reading keeps every scalar a string (YAML's failsafe schema),
 * as Go's yaml decodes into rulefmt's string fields, and reports each problem with its line and column.
 * Writing gives a file that `promtool check rules` accepts and that reads back to the same groups.
 */
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { RuleCheckers } from './checkers';
import { CLASSIFIER_ANNOTATION, classifierAnnotation } from './classifier-codec';
import { formatDuration } from './duration';
import type { Raw } from './raw';
import type { Rule, RuleGroupDefinition } from './rule';
import { checkLuaClassifiers, RuleValidationError, validateRuleFile, type RuleIssue } from './rule-validation';

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

function toRaw(node: unknown, doc: Document, at: string): Raw {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toRaw(node.resolve(doc), doc, at);
  if (isScalar(node)) {
    if (node.type === 'PLAIN' && NULLS.has(String(node.value))) return null;
    return String(node.value);
  }
  if (isSeq(node)) return node.items.map((item, i) => toRaw(item, doc, `${at}[${i}]`));
  if (isMap(node)) {
    const map = new Map<string, Raw>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) throw new RuleValidationError([{ path: [], message: `${at}: mapping keys must be plain strings` }]);
      map.set(key, toRaw(pair.value, doc, `${at}.${key}`));
    }
    return map;
  }
  throw new RuleValidationError([{ path: [], message: `${at}: unsupported YAML node` }]);
}

/** "line L:C: " of the node at an issue's path (or of its nearest existing parent). */
function located(doc: Document, lines: LineCounter, issue: RuleIssue): RuleIssue {
  const last = issue.path[issue.path.length - 1];
  const parent = doc.getIn(issue.path.slice(0, -1), true);
  if (issue.key && isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === last);
    const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    if (offset !== undefined) {
      const { line, col } = lines.linePos(offset);
      return { path: issue.path, message: `line ${line}:${col}: ${issue.message}` };
    }
  }
  for (let n = issue.path.length; n >= 0; n -= 1) {
    const node = doc.getIn(issue.path.slice(0, n), true) as Node | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) {
      const { line, col } = lines.linePos(offset);
      return { path: issue.path, message: `line ${line}:${col}: ${issue.message}` };
    }
  }
  return issue;
}

/**
 * Parses and validates a whole rule file (structure, names, durations, templates, expressions; Lua
 * classifiers are the asynchronous step of parseRuleFileChecked). Throws RuleValidationError with every
 * problem located.
 */
export function parseRuleFile(source: string, checkers: RuleCheckers): RuleGroupDefinition[] {
  return parsed(source, checkers).groups;
}

/** parseRuleFile, then every Lua classifier compiled by the sandbox: what the services call. */
export async function parseRuleFileChecked(source: string, checkers: RuleCheckers): Promise<RuleGroupDefinition[]> {
  const { groups, doc, lines } = parsed(source, checkers);
  const issues = await checkLuaClassifiers(groups, 'file', checkers, ['groups']);
  if (issues.length > 0) throw new RuleValidationError(issues.map((issue) => located(doc, lines, issue)));
  return groups;
}

function parsed(source: string, checkers: RuleCheckers): { groups: RuleGroupDefinition[]; doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { schema: 'failsafe', lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new RuleValidationError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return { path: [], message: `${pos ? `line ${pos.line}:${pos.col}: ` : ''}YAML: ${error.message.split('\n')[0] ?? ''}` };
      }),
    );
  }
  const raw = toRaw(doc.contents, doc, 'file');
  try {
    return { groups: validateRuleFile(raw, 'file', checkers), doc, lines };
  } catch (error) {
    if (error instanceof RuleValidationError) throw new RuleValidationError(error.issues.map((issue) => located(doc, lines, issue)));
    throw error;
  }
}

function ruleYaml(rule: Rule): Map<string, unknown> {
  const out = new Map<string, unknown>();
  out.set(rule.kind === 'alert' ? 'alert' : 'record', rule.name);
  out.set('expr', rule.expr);
  if (rule.kind === 'alert') {
    if (rule.forMs !== 0) out.set('for', formatDuration(rule.forMs));
    if (rule.keepFiringForMs !== 0) out.set('keep_firing_for', formatDuration(rule.keepFiringForMs));
  }
  if (rule.labels.size > 0) out.set('labels', new Map(rule.labels));
  if (rule.kind === 'alert') {
    const annotations = new Map(rule.annotations);
    if (rule.classifier) annotations.set(CLASSIFIER_ANNOTATION, classifierAnnotation(rule.classifier));
    if (annotations.size > 0) out.set('annotations', annotations);
  }
  return out;
}

/** A Prometheus rule file of the groups (an optional comment line per group, e.g. its experiment). */
export function formatRuleFile(groups: readonly (RuleGroupDefinition & { readonly comment?: string })[]): string {
  const doc = new Document(
    new Map([
      [
        'groups',
        groups.map((group) =>
          new Map<string, unknown>([
            ['name', group.name],
            ['interval', formatDuration(group.intervalMs)],
            ['rules', group.rules.map(ruleYaml)],
          ]),
        ),
      ],
    ]),
  );
  const groupNodes = doc.getIn(['groups'], true);
  if (isSeq(groupNodes)) {
    groupNodes.items.forEach((node, i) => {
      const comment = groups[i]?.comment;
      if (comment && isMap(node)) node.commentBefore = ` ${comment.replace(/\n/g, ' ')}`;
    });
  }
  return doc.toString({ lineWidth: 0 });
}
