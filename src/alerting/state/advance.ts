import type { AlertElement, AlertRuleTiming, AlertState, AlertStep, AlertTransition } from './alert-state';

/** Two elements of one result raise the same alert (Prometheus's ErrDuplicateAlertLabelSet). */
export class DuplicateAlertLabelSetError extends Error {
  constructor(readonly fingerprint: string) {
    super('vector contains metrics with the same labelset after applying alert labels');
    this.name = 'DuplicateAlertLabelSetError';
  }
}

/** `values` with `value` appended, at most `length` kept; a repeated evaluation time replaces its own value. */
export function nextHistory(previous: AlertState | undefined, value: number, atMs: number, length: number): number[] {
  const kept = previous === undefined ? [] : previous.lastEvalMs === atMs ? previous.values.slice(0, -1) : [...previous.values];
  kept.push(value);
  return kept.slice(Math.max(0, kept.length - Math.max(1, length)));
}

/**
 * One evaluation of an alerting rule's states, as Prometheus 2.42's AlertingRule.Eval does it, at `atMs`:
 * a new element becomes pending with activeAt = atMs and fires once `atMs - activeAt >= for` (at once when
 * `for` is 0); an element that disappears, or that its classifier calls `ok`, ends its alert (a pending one
 * goes back to inactive, a firing one is resolved) unless keep_firing_for holds a firing one: it stays
 * firing while `atMs - keepFiringSince < keep_firing_for`, keepFiringSince being the first evaluation that
 * missed it. A change of severity while firing is a transition too. Pure: the same input, the same output.
 */
export function advance(
  rule: AlertRuleTiming,
  previous: readonly AlertState[],
  elements: readonly AlertElement[],
  atMs: number,
): AlertStep {
  const byFingerprint = new Map<string, AlertElement>();
  for (const element of elements) {
    if (byFingerprint.has(element.fingerprint)) throw new DuplicateAlertLabelSetError(element.fingerprint);
    byFingerprint.set(element.fingerprint, element);
  }
  const states: AlertState[] = [];
  const transitions: AlertTransition[] = [];
  const seen = new Set<string>();
  for (const state of previous) {
    if (state.ruleId !== rule.id || seen.has(state.fingerprint)) continue;
    seen.add(state.fingerprint);
    step(rule, state, byFingerprint.get(state.fingerprint), atMs, states, transitions);
  }
  for (const element of elements) {
    if (!seen.has(element.fingerprint)) step(rule, undefined, element, atMs, states, transitions);
  }
  return { states, transitions };
}

function step(
  rule: AlertRuleTiming,
  previous: AlertState | undefined,
  element: AlertElement | undefined,
  atMs: number,
  states: AlertState[],
  transitions: AlertTransition[],
): void {
  const values = element ? nextHistory(previous, element.value, atMs, rule.historyLength) : (previous?.values ?? []);
  const alerting = element !== undefined && element.severity !== 'ok';
  if (alerting) {
    states.push(raise(rule, previous, element, values, atMs, transitions));
    return;
  }
  if (previous === undefined) {
    // Present but classified ok, never alerting: only its history is kept.
    if (element) states.push(quiet(rule, element, values, atMs));
    return;
  }
  if (previous.state === 'firing' && rule.keepFiringForMs > 0) {
    const since = previous.keepFiringSinceMs ?? atMs;
    if (atMs - since < rule.keepFiringForMs) {
      states.push({ ...previous, keepFiringSinceMs: since, lastEvalMs: atMs, values });
      return;
    }
  }
  const value = element?.value ?? previous.value;
  const severity = element?.severity ?? previous.severity;
  const reason = element ? element.reason : previous.reason;
  if (previous.state !== 'inactive') {
    transitions.push({
      ruleId: rule.id,
      fingerprint: previous.fingerprint,
      labels: previous.labels,
      from: previous.state,
      to: previous.state === 'firing' ? 'resolved' : 'inactive',
      severity,
      ...(reason === undefined ? {} : { reason }),
      value,
      atMs,
    });
  }
  // An element that is still there keeps its row (and history); a missing one's row goes.
  if (element) {
    const resolvedAtMs = previous.state === 'inactive' ? previous.resolvedAtMs : atMs;
    states.push({ ...quiet(rule, element, values, atMs), ...(resolvedAtMs === undefined ? {} : { resolvedAtMs }) });
  }
}

function quiet(rule: AlertRuleTiming, element: AlertElement, values: readonly number[], atMs: number): AlertState {
  return {
    ruleId: rule.id,
    fingerprint: element.fingerprint,
    labels: element.labels,
    state: 'inactive',
    severity: element.severity,
    ...(element.reason === undefined ? {} : { reason: element.reason }),
    value: element.value,
    lastEvalMs: atMs,
    values,
  };
}

function raise(
  rule: AlertRuleTiming,
  previous: AlertState | undefined,
  element: AlertElement,
  values: readonly number[],
  atMs: number,
  transitions: AlertTransition[],
): AlertState {
  const from = previous?.state ?? 'inactive';
  const activeAtMs = from === 'inactive' || previous?.activeAtMs === undefined ? atMs : previous.activeAtMs;
  let state: AlertState = {
    ruleId: rule.id,
    fingerprint: element.fingerprint,
    labels: element.labels,
    state: from === 'inactive' ? 'pending' : from,
    severity: element.severity,
    ...(element.reason === undefined ? {} : { reason: element.reason }),
    value: element.value,
    activeAtMs,
    ...(from === 'firing' && previous?.firedAtMs !== undefined ? { firedAtMs: previous.firedAtMs } : {}),
    lastEvalMs: atMs,
    values,
  };
  if (state.state === 'pending' && atMs - activeAtMs >= rule.forMs) state = { ...state, state: 'firing', firedAtMs: atMs };
  // Only the level counts: a failed classifier's reason may differ at every evaluation.
  const severityMoved = from === 'firing' && previous?.severity !== element.severity;
  if (state.state !== from || severityMoved) {
    transitions.push({
      ruleId: rule.id,
      fingerprint: element.fingerprint,
      labels: element.labels,
      from,
      to: state.state,
      severity: element.severity,
      ...(element.reason === undefined ? {} : { reason: element.reason }),
      value: element.value,
      atMs,
    });
  }
  return state;
}
