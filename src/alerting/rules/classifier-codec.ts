/**
 * The classifier's JSON form: `{thresholds: [{severity, op, value}]}` or `{lua, history}`. The REST API
 * takes it as a rule's `classifier` key; a rule file carries it, JSON-encoded, in the annotation
 * `mymonit_classifier`, so that promtool (which refuses unknown keys) accepts MyMONIT's exports.
 */
import type { Classifier, Severity, ThresholdOp } from './rule';
import { isRawMap, rawFromJson, type Raw } from './raw';

export const CLASSIFIER_ANNOTATION = 'mymonit_classifier';
export const MAX_LUA_HISTORY = 1000;

const OPS: readonly ThresholdOp[] = ['>', '>=', '<', '<=', '==', '!='];
const THRESHOLD_SEVERITIES: readonly Exclude<Severity, 'ok'>[] = ['minor', 'major', 'critical', 'unknown'];

/** Each problem as [path below the classifier, message]. */
export type ClassifierProblems = [string, string][];

function keysOnly(map: ReadonlyMap<string, Raw>, allowed: readonly string[], at: string, problems: ClassifierProblems): void {
  for (const key of map.keys()) if (!allowed.includes(key)) problems.push([at, `unknown key ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`]);
}

/** A classifier from its JSON form; problems are appended, undefined when there are any. */
export function parseClassifier(raw: Raw | undefined, problems: ClassifierProblems): Classifier | undefined {
  const before = problems.length;
  if (!isRawMap(raw)) {
    problems.push(['', 'must be an object: {thresholds: [...]} or {lua: "...", history: n}']);
    return undefined;
  }
  if (raw.has('thresholds') === raw.has('lua')) {
    problems.push(['', 'exactly one of "thresholds" and "lua" must be set']);
    return undefined;
  }
  if (raw.has('thresholds')) {
    keysOnly(raw, ['thresholds'], '', problems);
    const list = raw.get('thresholds');
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(['.thresholds', 'must be a non-empty list of {severity, op, value}']);
      return undefined;
    }
    const thresholds = (list as readonly Raw[]).map((item, i) => {
      const at = `.thresholds[${i}]`;
      if (!isRawMap(item)) {
        problems.push([at, 'must be an object {severity, op, value}']);
        return undefined;
      }
      keysOnly(item, ['severity', 'op', 'value'], at, problems);
      const severity = item.get('severity');
      const op = item.get('op');
      const value = item.get('value');
      if (!THRESHOLD_SEVERITIES.includes(severity as Exclude<Severity, 'ok'>)) {
        problems.push([`${at}.severity`, `must be one of ${THRESHOLD_SEVERITIES.join(', ')}`]);
      }
      if (!OPS.includes(op as ThresholdOp)) problems.push([`${at}.op`, `must be one of ${OPS.join(' ')}`]);
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push([`${at}.value`, 'must be a finite number']);
      return { severity: severity as Exclude<Severity, 'ok'>, op: op as ThresholdOp, value: value as number };
    });
    if (problems.length > before) return undefined;
    return { kind: 'thresholds', thresholds: thresholds.filter((t) => t !== undefined) };
  }
  keysOnly(raw, ['lua', 'history'], '', problems);
  const code = raw.get('lua');
  const history = raw.get('history') ?? 1;
  if (typeof code !== 'string' || code.trim() === '') problems.push(['.lua', 'must be non-empty Lua code']);
  if (typeof history !== 'number' || !Number.isInteger(history) || history < 1 || history > MAX_LUA_HISTORY) {
    problems.push(['.history', `must be an integer from 1 to ${MAX_LUA_HISTORY}`]);
  }
  if (problems.length > before) return undefined;
  return { kind: 'lua', code: code as string, history: history as number };
}

/** The JSON form of a classifier (REST responses, the annotation's content). */
export function classifierJson(classifier: Classifier): Record<string, unknown> {
  return classifier.kind === 'thresholds'
    ? { thresholds: classifier.thresholds.map((t) => ({ severity: t.severity, op: t.op, value: t.value })) }
    : { lua: classifier.code, history: classifier.history };
}

/**
 * The annotation text: JSON with every `{{` written `{\u007b`, so that Go's template parser (which
 * promtool and Prometheus run over every annotation) never sees an action in Lua code.
 */
export function classifierAnnotation(classifier: Classifier): string {
  return JSON.stringify(classifierJson(classifier)).replace(/\{\{/g, '{\\u007b');
}

export function parseClassifierAnnotation(text: string, problems: ClassifierProblems): Classifier | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push(['', `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
    return undefined;
  }
  return parseClassifier(rawFromJson(parsed), problems);
}
