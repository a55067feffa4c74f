import type { Classifier, RuleInput, StoredRule, ThresholdOp, ThresholdSeverity } from './types';

/** One rule as the editor holds it: text fields, parsed on save or test. */
export interface RuleDraft {
  key: number;
  kind: 'alert' | 'record';
  name: string;
  expr: string;
  for: string;
  keepFiringFor: string;
  labels: string;
  annotations: string;
  classifier: 'none' | 'thresholds' | 'lua';
  thresholds: Array<{ severity: ThresholdSeverity; op: ThresholdOp; value: string }>;
  lua: string;
  history: string;
}

let nextKey = 1;

export const SAMPLE_LUA = `-- values: the last \`history\` values, newest last; return a severity
local value = values[#values]
if value > 90 then
  return "critical"
elseif value > 75 then
  return "major"
end
return "ok"
`;

/** `key=value` lines, as the editor shows labels and annotations. */
export function pairsText(pairs: Record<string, string> | undefined): string {
  return Object.entries(pairs ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** Parses `key=value` lines (blank lines ignored) into a map without a prototype. */
export function parsePairs(text: string): { pairs: Record<string, string>; error?: string } {
  const pairs = Object.create(null) as Record<string, string>;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) return { pairs, error: `line ${i + 1}: write name=value` };
    pairs[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { pairs };
}

export function emptyDraft(): RuleDraft {
  return {
    key: nextKey++,
    kind: 'alert',
    name: '',
    expr: '',
    for: '',
    keepFiringFor: '',
    labels: '',
    annotations: '',
    classifier: 'none',
    thresholds: [],
    lua: SAMPLE_LUA,
    history: '',
  };
}

export function draftOf(rule: StoredRule): RuleDraft {
  const c = rule.classifier;
  return {
    key: nextKey++,
    kind: rule.record !== undefined ? 'record' : 'alert',
    name: rule.alert ?? rule.record ?? '',
    expr: rule.expr,
    for: rule.for ?? '',
    keepFiringFor: rule.keep_firing_for ?? '',
    labels: pairsText(rule.labels),
    annotations: pairsText(rule.annotations),
    classifier: c?.lua !== undefined ? 'lua' : c?.thresholds ? 'thresholds' : 'none',
    thresholds: (c?.thresholds ?? []).map((t) => ({ severity: t.severity, op: t.op, value: String(t.value) })),
    lua: c?.lua ?? SAMPLE_LUA,
    history: c?.history !== undefined ? String(c.history) : '',
  };
}

/** Field errors found before sending (path as the API names it, e.g. rules[0].labels). */
export type LocalErrors = Array<{ path: string; message: string }>;

/** The rule as the API's RuleInput, and the problems found while converting the text fields. */
export function inputOf(draft: RuleDraft, at: string): { input: RuleInput; errors: LocalErrors } {
  const errors: LocalErrors = [];
  const input: RuleInput = { expr: draft.expr };
  if (draft.kind === 'alert') input.alert = draft.name;
  else input.record = draft.name;
  if (draft.kind === 'alert' && draft.for.trim()) input.for = draft.for.trim();
  if (draft.kind === 'alert' && draft.keepFiringFor.trim()) input.keep_firing_for = draft.keepFiringFor.trim();
  const labels = parsePairs(draft.labels);
  if (labels.error) errors.push({ path: `${at}.labels`, message: labels.error });
  if (Object.keys(labels.pairs).length) input.labels = { ...labels.pairs };
  if (draft.kind === 'alert') {
    const annotations = parsePairs(draft.annotations);
    if (annotations.error) errors.push({ path: `${at}.annotations`, message: annotations.error });
    if (Object.keys(annotations.pairs).length) input.annotations = { ...annotations.pairs };
  }
  if (draft.kind === 'alert' && draft.classifier !== 'none') {
    const classifier: Classifier = {};
    if (draft.classifier === 'lua') classifier.lua = draft.lua;
    else
      classifier.thresholds = draft.thresholds.map((t, i) => {
        const value = Number(t.value);
        if (t.value.trim() === '' || !Number.isFinite(value)) errors.push({ path: `${at}.classifier.thresholds[${i}].value`, message: 'a finite number' });
        return { severity: t.severity, op: t.op, value };
      });
    // history is the Lua classifier's only (the API refuses it beside thresholds).
    if (draft.classifier === 'lua' && draft.history.trim()) {
      const history = Number(draft.history);
      if (!/^\d+$/.test(draft.history.trim()) || history < 1 || history > 1000) errors.push({ path: `${at}.classifier.history`, message: 'a whole number from 1 to 1000' });
      else classifier.history = history;
    }
    input.classifier = classifier;
  }
  return { input, errors };
}

/**
 * An error's path as "rules[0].expr": the rule validator already writes that form; the request validator
 * (openapi.yaml) writes JSON pointers such as /body/rules/0/expr.
 */
export function normalPath(path: string): string {
  if (!path.startsWith('/')) return path;
  const parts = path.split('/').slice(1);
  if (parts[0] === 'body') parts.shift();
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The messages of the errors at `path` or below it. */
export function errorsAt(errors: LocalErrors, path: string): string | undefined {
  const found = errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`)).map((e) => e.message);
  return found.length ? found.join('; ') : undefined;
}
