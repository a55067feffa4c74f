/**
 * How a check result is classified (docs/checks.md, "Results and classification"): the check's classifier
 * (the alerting stage's thresholds or Lua, through the Classify port) judges what a successful run measured;
 * a run that did not succeed has the severity of its outcome. Never throws: whatever goes wrong is `unknown`
 * with the reason.
 */
import type { Classification, Classify } from '../../alerting/classify/classify';
import { parseClassifier, type ClassifierProblems } from '../../alerting/rules/classifier-codec';
import { rawFromJson } from '../../alerting/rules/raw';
import type { Classifier } from '../../alerting/rules/rule';
import type { CheckOutcomeName } from '../../checks/model';

export const SLOT_MISSED_REASON = 'slot missed';

/** What is being classified: the run's outcome, its value (any number, as the executor returned it) and message. */
export interface RunReading {
  readonly outcome: CheckOutcomeName;
  readonly value?: number;
  readonly message: string;
}

/** A check's classifier as stored, decoded: none, one, or the reason it cannot be read. */
export type StoredClassifier = { readonly kind: 'none' } | { readonly kind: 'classifier'; readonly classifier: Classifier } | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * checks.classifier as text: the codec's JSON form ({thresholds: [...]} or {lua, history}), or the rule
 * store's (the same with `kind`, Lua's code as `code`), validated as the alerting stage validates rules'.
 */
export function decodeClassifier(text: string | null): StoredClassifier {
  if (text === null) return { kind: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: 'classifier unreadable: not JSON' };
  }
  const problems: ClassifierProblems = [];
  const classifier = parseClassifier(rawFromJson(codecForm(parsed)), problems);
  if (classifier === undefined) {
    return { kind: 'unreadable', reason: `classifier unreadable: ${problems.map(([at, message]) => `classifier${at} ${message}`).join('; ')}` };
  }
  return { kind: 'classifier', classifier };
}

/** The rule store's form ({kind, thresholds} / {kind, code, history}) in the codec's. */
function codecForm(parsed: unknown): unknown {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
  const record = parsed as { kind?: unknown; code?: unknown; history?: unknown; thresholds?: unknown };
  if (record.kind === 'thresholds') return { thresholds: record.thresholds };
  if (record.kind === 'lua') return { lua: record.code, history: record.history };
  return parsed;
}

/** How many earlier readings a classifier needs beside the current one. */
export function earlierReadingsWanted(stored: StoredClassifier): number {
  return stored.kind === 'classifier' && stored.classifier.kind === 'lua' ? stored.classifier.history - 1 : 0;
}

/**
 * The classification of a run. `earlier`: the readings (value and message) of the previous results of the
 * same check and host that have a value, oldest first, at most earlierReadingsWanted(stored) of them.
 */
export async function classifyRun(
  classify: Classify,
  stored: StoredClassifier,
  run: RunReading,
  earlier: () => Promise<readonly { value: number; message: string }[]>,
): Promise<Classification> {
  switch (run.outcome) {
    case 'missed':
      return { severity: 'unknown', reason: SLOT_MISSED_REASON };
    case 'error':
      return { severity: 'unknown', reason: `the check could not run: ${run.message || 'no message'}` };
    case 'timeout':
      return { severity: 'critical', reason: 'the check timed out' };
    case 'failed':
      return { severity: 'critical', reason: 'the check failed' };
    case 'ok':
      break;
  }
  if (run.value !== undefined && !Number.isFinite(run.value)) {
    return { severity: 'unknown', reason: `the check returned ${String(run.value)}, not a finite number` };
  }
  if (stored.kind === 'none') return { severity: 'ok' };
  if (stored.kind === 'unreadable') return { severity: 'unknown', reason: stored.reason };
  if (run.value === undefined) return { severity: 'unknown', reason: 'the check returned no value to classify' };
  try {
    const history = stored.classifier.kind === 'lua' ? await earlier() : [];
    const values = [...history.map((r) => r.value), run.value];
    const messages = [...history.map((r) => r.message), run.message];
    return await classify.classify(stored.classifier, { values, messages });
  } catch (error) {
    return { severity: 'unknown', reason: `classifier failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
