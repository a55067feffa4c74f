import { fingerprint } from '../../../../src/alerting/state/alert-labels';
import {
  firingToJson,
  parseFiring,
  variableLabelName,
  violationLabels,
  violationTransitions,
  type PolicyAlertSubject,
} from '../../../../src/services/policies/policy-alerts';

const subject: PolicyAlertSubject = { policy: 'pay', experiment: 'EXP', variables: ['u', 'amount'], types: ['string', 'float'] };
const verdict = (tp: number, ...users: string[]) => ({ tp, ts: tp * 10, tuples: users.map((u) => [u, 1.5]) });
const moves = (ts: ReturnType<typeof violationTransitions>) => ts.map((t) => `${t.labels.get('u')}:${t.to}@${t.value}`);

describe('policy verdicts as alerts', () => {
  it('labels a violation with the policy, the experiment and each verdict variable, values as MonPoly prints them but strings unquoted', () => {
    expect([...violationLabels(subject, ['bob smith', 1e6])]).toEqual([
      ['alertname', 'PolicyViolation'],
      ['amount', '1e+06'],
      ['experiment', 'EXP'],
      ['policy', 'pay'],
      ['u', 'bob smith'],
    ]);
  });

  it('prefixes var_ to a variable that is not a label name or is one the alert already has', () => {
    expect(['x', 'policy', 'alertname', 'experiment', 'severity', '__x', "x'"].map(variableLabelName)).toEqual([
      'x',
      'var_policy',
      'var_alertname',
      'var_experiment',
      'var_severity',
      'var___x',
      'var_x_',
    ]);
  });

  it('fires at the first verdict with a tuple, keeps it firing while verdicts keep it, resolves it at the next answered time point without it', () => {
    const state = parseFiring('[]');
    const first = violationTransitions(state, subject, { fromTp: 0, toTp: 3 }, [verdict(0, 'a', 'b'), verdict(1, 'b'), verdict(2, 'b', 'c')], 1000);
    expect(moves(first)).toEqual(['a:firing@0', 'b:firing@0', 'a:resolved@1', 'c:firing@2']);
    // Time points 3 and 4 answered with no verdict: everything resolves at 3; 5 fires again.
    const second = violationTransitions(state, subject, { fromTp: 3, toTp: 6 }, [verdict(5, 'b')], 1000);
    expect(moves(second)).toEqual(['b:resolved@3', 'c:resolved@3', 'b:firing@5']);
    // A last answered time point without a verdict resolves what fires.
    expect(moves(violationTransitions(state, subject, { fromTp: 6, toTp: 7 }, [], 1000))).toEqual(['b:resolved@6']);
    expect(state.firing.size).toBe(0);
  });

  it('gives one alert strictly increasing times, and keeps them increasing across calls through the stored state', () => {
    const state = parseFiring('[]');
    const first = violationTransitions(state, subject, { fromTp: 0, toTp: 3 }, [verdict(0, 'a'), verdict(2, 'a')], 5000);
    expect(first.map((t) => t.atMs)).toEqual([5000, 5001, 5002]);
    const restored = parseFiring(firingToJson(state));
    expect([...restored.firing.keys()]).toEqual([fingerprint(violationLabels(subject, ['a', 1.5]))]);
    const later = violationTransitions(restored, subject, { fromTp: 3, toTp: 4 }, [], 4000);
    expect(later.map((t) => t.atMs)).toEqual([5003]);
  });
});
