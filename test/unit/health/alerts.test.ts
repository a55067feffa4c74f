import { fingerprint } from '../../../src/alerting/state/alert-labels';
import { healthAlertLabels, healthTransitions, severityOfHealth } from '../../../src/health/alerts';
import { HEALTH_STATES, type HealthState } from '../../../src/health/health';

const website = { kind: 'service' as const, name: 'website', experiment: 'WEB' };
const router = { kind: 'host' as const, name: 'website', experiment: 'WEB' };

function change(from: HealthState, to: HealthState, atMs = 1_000) {
  const firingLabels = healthAlertLabels(website, from);
  const labels = healthAlertLabels(website, to);
  return healthTransitions({
    ...(firingLabels === undefined ? {} : { firing: { labels: firingLabels, state: from } }),
    next: { state: to, ...(labels === undefined ? {} : { labels }), reason: 'why' },
    atMs,
  });
}

const brief = (from: HealthState, to: HealthState): string[] => change(from, to).map((t) => `${t.labels.get('health')} ${t.from}->${t.to} ${t.severity}`);

describe('health alerts (ADR 0009)', () => {
  it('labels name the subject and its state, sorted; ok and no_data raise none', () => {
    expect([...healthAlertLabels(website, 'degraded')!]).toEqual([
      ['alertname', 'ServiceHealth'],
      ['experiment', 'WEB'],
      ['health', 'degraded'],
      ['service', 'website'],
      ['severity', 'minor'],
    ]);
    expect(healthAlertLabels(website, 'ok')).toBeUndefined();
    expect(healthAlertLabels(website, 'no_data')).toBeUndefined();
  });

  it('a host and a service of the same name and state are different alerts', () => {
    expect(fingerprint(healthAlertLabels(router, 'critical')!)).not.toBe(fingerprint(healthAlertLabels(website, 'critical')!));
  });

  it('severity: the state, degraded written minor, ok and no_data ok', () => {
    expect(HEALTH_STATES.map(severityOfHealth)).toEqual(['ok', 'ok', 'unknown', 'minor', 'minor', 'major', 'critical']);
  });

  it('to and from state changes', () => {
    expect(brief('ok', 'degraded')).toEqual(['degraded inactive->firing minor']);
    expect(brief('no_data', 'critical')).toEqual(['critical inactive->firing critical']);
    expect(brief('degraded', 'critical')).toEqual(['degraded firing->resolved minor', 'critical inactive->firing critical']);
    expect(brief('critical', 'ok')).toEqual(['critical firing->resolved ok']);
    expect(brief('critical', 'no_data')).toEqual(['critical firing->resolved ok']);
    expect(brief('ok', 'no_data')).toEqual([]);
  });

  it('no transition while the same alert fires, for every state', () => {
    for (const state of HEALTH_STATES) expect(change(state, state)).toEqual([]);
  });

  it('every change between two different alerting states resolves one and fires one, at one instant, rule 0', () => {
    for (const from of HEALTH_STATES) {
      for (const to of HEALTH_STATES) {
        const transitions = change(from, to, 42);
        const alerting = (s: HealthState) => s !== 'ok' && s !== 'no_data';
        expect(transitions.filter((t) => t.to === 'resolved')).toHaveLength(alerting(from) && from !== to ? 1 : 0);
        expect(transitions.filter((t) => t.to === 'firing')).toHaveLength(alerting(to) && from !== to ? 1 : 0);
        for (const t of transitions) expect(t).toMatchObject({ ruleId: 0, atMs: 42, reason: 'why', fingerprint: fingerprint(t.labels) });
      }
    }
  });

  it('a renamed subject: the old name resolved, the new one fired', () => {
    const old = healthAlertLabels(website, 'critical')!;
    const renamed = healthAlertLabels({ ...website, name: 'www' }, 'critical')!;
    const transitions = healthTransitions({ firing: { labels: old, state: 'critical' }, next: { state: 'critical', labels: renamed, reason: 'r' }, atMs: 1 });
    expect(transitions.map((t) => `${t.labels.get('service')} ${t.to}`)).toEqual(['website resolved', 'www firing']);
  });
});
