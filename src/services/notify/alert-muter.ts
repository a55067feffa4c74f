import { alertStatus, type NotifyAlert } from '../../notify/alert';
import type { InhibitRule } from '../../notify/config/model';
import { matchesAll, type CompiledMatcher, type Matcher } from '../../notify/matchers';
import { silenceState } from '../../notify/silence/silence';
import type { NotifyAlertStore, SilenceStore } from '../../storage/notify-stores';
import type { NotifyConfigProvider } from './ports';

/**
 * Which alerts a flush leaves out: silenced ones (SilenceStage) and inhibited ones (InhibitStage). The
 * dispatcher prepares one predicate per round of flushes, at the round's time.
 */
export interface AlertMuter {
  prepare(nowMs: number): Promise<(alert: NotifyAlert) => boolean>;
}

/**
 * STAND-IN for the silence helper's `silencedBy` (src/notify/silence/) and `inhibitedBy`
 * (src/notify/inhibit/): active silences whose matchers all match, and Alertmanager 0.25's inhibition (a
 * firing source alert matching the source matchers and not the target ones, equal on `equal`). At the
 * merge, `prepare` is rebuilt over their functions; the dispatcher only knows the AlertMuter port.
 */
export class StandInAlertMuter implements AlertMuter {
  constructor(
    private readonly config: NotifyConfigProvider,
    private readonly alerts?: NotifyAlertStore,
    private readonly silences?: SilenceStore,
  ) {}

  async prepare(nowMs: number): Promise<(alert: NotifyAlert) => boolean> {
    const active = this.silences
      ? (await this.silences.list({ kind: 'all' }, nowMs)).filter((s) => silenceState(s, nowMs) === 'active').map((s) => s.matchers.map(compile))
      : [];
    const rules = this.config.current().inhibitRules;
    const firing =
      rules.length > 0 && this.alerts ? (await this.alerts.current({ kind: 'all' }, nowMs)).filter((a) => alertStatus(a, nowMs) === 'firing') : [];
    return (alert) => active.some((matchers) => matchesAll(matchers, alert.labels)) || rules.some((rule) => inhibits(rule, firing, alert));
  }
}

function inhibits(rule: InhibitRule, firing: readonly NotifyAlert[], target: NotifyAlert): boolean {
  if (!matchesAll(rule.targetMatchers, target.labels)) return false;
  const targetIsSource = matchesAll(rule.sourceMatchers, target.labels);
  return firing.some(
    (source) =>
      matchesAll(rule.sourceMatchers, source.labels) &&
      !(targetIsSource && matchesAll(rule.targetMatchers, source.labels)) &&
      rule.equal.every((name) => (source.labels.get(name) ?? '') === (target.labels.get(name) ?? '')),
  );
}

function compile(matcher: Matcher): CompiledMatcher {
  const regex = matcher.type === '=~' || matcher.type === '!~' ? new RegExp(`^(?:${matcher.value})$`, 'u') : undefined;
  const matches = (value: string): boolean => {
    switch (matcher.type) {
      case '=':
        return value === matcher.value;
      case '!=':
        return value !== matcher.value;
      case '=~':
        return regex?.test(value) === true;
      case '!~':
        return regex?.test(value) !== true;
    }
  };
  return { ...matcher, matches };
}
