import type { Labels } from '../promql/values';
import { sortedLabels } from './alert-labels';
import type { AlertState } from './alert-state';

export interface AlertSample {
  readonly labels: Labels;
  readonly value: number;
}

/**
 * The series Prometheus writes at each evaluation for every active alert: ALERTS{alertstate} = 1 and
 * ALERTS_FOR_STATE = activeAt in seconds (Unix, truncated), both with the alert's labels.
 */
export function alertSamples(states: readonly AlertState[]): AlertSample[] {
  const samples: AlertSample[] = [];
  for (const state of states) {
    if (state.state === 'inactive') continue;
    const alerts = new Map(state.labels);
    alerts.set('__name__', 'ALERTS');
    alerts.set('alertstate', state.state);
    samples.push({ labels: sortedLabels(alerts), value: 1 });
    const forState = new Map(state.labels);
    forState.set('__name__', 'ALERTS_FOR_STATE');
    samples.push({ labels: sortedLabels(forState), value: Math.floor((state.activeAtMs ?? state.lastEvalMs) / 1000) });
  }
  return samples;
}
