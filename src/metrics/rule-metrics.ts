import { inject, injectable } from 'inversify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/**
 * RuleMetrics: what the rule evaluator of this process does. Groups are labelled `experiment/name`. The
 * alerts gauge counts the alerts of the groups this process holds the lease of: summed over processes,
 * it is the platform's.
 */
@injectable()
export class RuleMetrics {
  readonly evaluations: Counter<'rule_group'>;
  readonly failures: Counter<'rule_group'>;
  readonly groupDuration: Histogram<'rule_group'>;
  readonly missed: Counter<'rule_group'>;
  readonly classifierFailures: Counter;
  readonly takeovers: Counter;
  readonly commitsRefused: Counter<'reason'>;
  readonly triggers: Counter<'outcome'>;
  private readonly alertCounts = new Map<number, { pending: number; firing: number }>();

  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.evaluations = new Counter({
      name: 'mymonit_rule_evaluations_total',
      help: 'Rule evaluations (one per rule per group evaluation), by group',
      labelNames: ['rule_group'],
      registers,
    });
    this.failures = new Counter({
      name: 'mymonit_rule_evaluation_failures_total',
      help: 'Rule evaluations that failed (query error, bad result), by group',
      labelNames: ['rule_group'],
      registers,
    });
    this.groupDuration = new Histogram({
      name: 'mymonit_rule_group_evaluation_duration_seconds',
      help: 'Time to evaluate one group and commit its results, by group',
      labelNames: ['rule_group'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.missed = new Counter({
      name: 'mymonit_rule_group_iterations_missed_total',
      help: 'Evaluation slots skipped because the previous evaluation of the group was still running',
      labelNames: ['rule_group'],
      registers,
    });
    this.classifierFailures = new Counter({
      name: 'mymonit_rule_classifier_failures_total',
      help: 'Classifications that failed or ran away (the alert is then unknown, with the reason)',
      registers,
    });
    this.takeovers = new Counter({
      name: 'mymonit_rule_group_lease_takeovers_total',
      help: 'Group leases this process took (new fencing token): first takes, and takes over from a holder that stopped renewing',
      registers,
    });
    this.commitsRefused = new Counter({
      name: 'mymonit_rule_group_commits_refused_total',
      help: 'Evaluations whose commit was refused: stale_lease (another process took the group), stale_time (not after the last committed evaluation)',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of ['stale_lease', 'stale_time']) this.commitsRefused.inc({ reason }, 0);
    this.triggers = new Counter({
      name: 'mymonit_rule_group_triggers_total',
      help: 'Evaluations asked for by committed measures: evaluated (within the trigger budget) or left to the group\'s next slot (budget spent)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['evaluated', 'left_to_slot']) this.triggers.inc({ outcome }, 0);
    const counts = this.alertCounts;
    new Gauge({
      name: 'mymonit_alerts',
      help: 'Active alerts of the groups this process evaluates, by state',
      labelNames: ['state'],
      registers,
      collect() {
        let pending = 0;
        let firing = 0;
        for (const c of counts.values()) {
          pending += c.pending;
          firing += c.firing;
        }
        this.set({ state: 'pending' }, pending);
        this.set({ state: 'firing' }, firing);
      },
    });
  }

  setGroupAlerts(groupId: number, counts: { pending: number; firing: number } | undefined): void {
    if (counts === undefined) this.alertCounts.delete(groupId);
    else this.alertCounts.set(groupId, counts);
  }
}
