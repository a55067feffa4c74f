/**
 * Inhibition (Alertmanager's inhibit.Inhibitor): an alert matching a rule's target matchers is muted
 * while some *firing* alert matches the rule's source matchers and has the same values (absent = empty)
 * for every `equal` label. When the target alert also matches the source side, source alerts that match
 * the target side too are disregarded, so an alert never inhibits itself nor its peers of a two-sided
 * rule. Rules are tried in order; the first that mutes names the inhibiting alert.
 */
import { alertStatus, type LabelSet, type NotifyAlert } from '../alert';
import type { InhibitRule } from '../config/model';
import { matchesAll } from '../matchers';

interface IndexedRule {
  readonly rule: InhibitRule;
  /** Firing alerts matching the source side, by fingerprint order (Alertmanager's scache, in a stable order). */
  readonly sources: readonly NotifyAlert[];
}

export class Inhibitor {
  private readonly indexed: readonly IndexedRule[];

  /** `alerts`: the alerts known now (resolved ones are ignored, as the source cache's Resolved check does). */
  constructor(rules: readonly InhibitRule[], alerts: readonly NotifyAlert[], nowMs: number) {
    const firing = alerts
      .filter((a) => alertStatus(a, nowMs) === 'firing')
      .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
    this.indexed = rules.map((rule) => ({ rule, sources: firing.filter((a) => matchesAll(rule.sourceMatchers, a.labels)) }));
  }

  /** The fingerprint of the alert inhibiting `labels`, or undefined when nothing does. */
  inhibitedBy(labels: LabelSet): string | undefined {
    for (const { rule, sources } of this.indexed) {
      if (!matchesAll(rule.targetMatchers, labels)) continue;
      const excludeTwoSided = matchesAll(rule.sourceMatchers, labels);
      const source = sources.find(
        (a) =>
          rule.equal.every((name) => (a.labels.get(name) ?? '') === (labels.get(name) ?? '')) &&
          !(excludeTwoSided && matchesAll(rule.targetMatchers, a.labels)),
      );
      if (source !== undefined) return source.fingerprint;
    }
    return undefined;
  }

  mutes(labels: LabelSet): boolean {
    return this.inhibitedBy(labels) !== undefined;
  }
}

/** One-shot form: the fingerprint inhibiting `target`, if any (build an Inhibitor to judge many alerts). */
export function inhibitedBy(rules: readonly InhibitRule[], alerts: readonly NotifyAlert[], target: LabelSet, nowMs: number): string | undefined {
  return new Inhibitor(rules, alerts, nowMs).inhibitedBy(target);
}
