import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inject, injectable, optional } from 'inversify';
import { groupMetricNames } from '../alerting/rules/group-metrics';
import { expandTemplate } from '../alerting/rules/template';
import { sanitiseMetricName } from '../alerting/promql/measure-labels';
import type { Classify } from '../alerting/classify/classify';
import type { PromqlEngine } from '../alerting/promql/engine-api';
import type { RuleGroup } from '../alerting/rules/rule';
import type { LabelExpander } from '../alerting/state/alert-labels';
import { evalSlotAtOrBefore, groupOffsetMs, nextEvalSlot } from '../alerting/state/eval-time';
import { StorageUnavailableError } from '../domain/errors';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { RuleMetrics } from '../metrics/rule-metrics';
import type { AlertStateStore, RuleGroupLeaseStore, RuleGroupReader, SeriesSourceFactory } from '../storage/alerting-stores';
import type { MeasureStore, Transactor } from '../storage/stores';
import type { CommittedMeasures, CommittedMeasuresListener } from './contracts';
import { commitEvaluation, StaleEvaluationError, StaleLeaseError } from './evaluation-commit';
import { EvaluationBudget } from './evaluation-budget';
import { evaluateGroup } from './group-evaluation';

export interface RuleEvaluatorOptions {
  /** How often the list of groups is read again (new, changed, deleted groups). */
  readonly refreshMs: number;
  /** How long after committed measures of its experiment a group is evaluated (more measures meanwhile join). */
  readonly debounceMs: number;
  /** Lease length as a multiple of the group's interval, and its floor. */
  readonly leaseIntervals: number;
  readonly minLeaseMs: number;
  /** Share of wall-clock time ingest-triggered evaluations may take, and the burst they may save up (EvaluationBudget). */
  readonly triggerShare: number;
  readonly triggerBurstMs: number;
  /** Evaluations running at once in this process (the others queue). */
  readonly maxConcurrentEvaluations: number;
  /** Rule label templates; Prometheus's `{{ $labels.x }}` / `{{ $value }}` subset (src/alerting/rules/template.ts) without one. */
  readonly expand?: LabelExpander;
}

export const DEFAULT_RULE_EVALUATOR_OPTIONS: RuleEvaluatorOptions = {
  refreshMs: 5_000,
  debounceMs: 150,
  leaseIntervals: 1.5,
  minLeaseMs: 1_500,
  triggerShare: 0.1,
  triggerBurstMs: 1_000,
  maxConcurrentEvaluations: 4,
};

interface GroupRun {
  group: RuleGroup;
  offsetMs: number;
  slotTimer?: NodeJS.Timeout;
  debounceTimer?: NodeJS.Timeout;
  busy?: Promise<void>;
  /** Measures arrived while an evaluation ran: evaluate again when it ends. */
  again: boolean;
  /** The fencing token of the lease this process believes it holds. */
  token?: number;
  /**
   * Whether this process asked for the lease yet. Until it has, committed measures trigger an evaluation
   * (which takes the lease if it is free): a process that just started holds no token until the group's
   * first slot, up to an interval later, and must not ignore the measures meanwhile.
   */
  leaseTried: boolean;
  /** The (sanitised) metric names its rules read; undefined: any metric may matter. */
  metrics: ReadonlySet<string> | undefined;
  /** How long its last evaluations took (newest last, at most RECENT_DURATIONS); see estimateMs. */
  recentMs: number[];
}

/**
 * RuleEvaluator runs every rule group in every `consume`/`all` process, and lets exactly one of them
 * evaluate each group: at each of the group's slots (Prometheus's aligned times) a process takes or renews
 * the group's lease in MySQL, and evaluates only while it holds it. A lease lasts 1.5 intervals and is
 * renewed at every slot, so when its holder dies another process takes the group at its second slot after
 * the holder's last renewal. Commits are fenced (see commitEvaluation). A group whose experiment just
 * received measures is also evaluated at once (debounced, within the trigger budget) by the process
 * holding it, or by a process that has not asked for its lease yet (one just started takes a free lease so).
 */
@injectable()
export class RuleEvaluator implements CommittedMeasuresListener {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly runs = new Map<number, GroupRun>();
  private readonly options: RuleEvaluatorOptions;
  private refreshTimer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  /** Last evaluations of deleted groups, awaited by stop(). */
  private readonly finals = new Set<Promise<void>>();
  private running = false;
  private readonly budget: EvaluationBudget;
  private evaluating = 0;
  private readonly waitingTurns: Array<() => void> = [];
  /** Triggered evaluations waiting for the budget, with when each began to wait. */
  private readonly waiting = new Map<GroupRun, number>();
  private budgetTimer?: NodeJS.Timeout;

  constructor(
    @inject(TYPES.RuleGroupLeaseStore) private readonly leases: RuleGroupLeaseStore,
    @inject(TYPES.AlertStateStore) private readonly alerts: AlertStateStore,
    @inject(TYPES.MeasureStore) private readonly measures: MeasureStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(RuleMetrics) private readonly metrics: RuleMetrics,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.RuleGroupReader) @optional() private readonly reader?: RuleGroupReader,
    @inject(TYPES.PromqlEngine) @optional() private readonly engine?: PromqlEngine,
    @inject(TYPES.SeriesSourceFactory) @optional() private readonly sources?: SeriesSourceFactory,
    @inject(TYPES.Classify) @optional() private readonly classify?: Classify,
    @inject(TYPES.RuleEvaluatorOptions) @optional() options?: Partial<RuleEvaluatorOptions>,
  ) {
    this.options = { ...DEFAULT_RULE_EVALUATOR_OPTIONS, ...options };
    this.budget = new EvaluationBudget(this.options.triggerShare, this.options.triggerBurstMs, this.options.triggerBurstMs / 20);
  }

  async start(): Promise<void> {
    if (!this.reader || !this.engine || !this.sources) {
      this.logger.warn('rule evaluator not started: no rule store, PromQL engine or series source is bound');
      return;
    }
    this.running = true;
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.refreshTimer.unref();
  }

  /** Stops scheduling, waits for running evaluations, and ends this process's leases so others take over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.refreshTimer);
    clearTimeout(this.budgetTimer);
    this.waiting.clear();
    await this.refreshing;
    for (const run of this.runs.values()) this.forget(run);
    await Promise.all([...this.runs.values()].map((run) => run.busy));
    await Promise.all([...this.finals]);
    this.runs.clear();
    try {
      await this.leases.releaseAll(this.holder);
    } catch (error) {
      this.logger.warn('could not release rule group leases', { error: String(error) });
    }
  }

  /** Never throws and returns at once: the groups of the measures' experiments are evaluated shortly. */
  committed(batch: CommittedMeasures): void {
    try {
      if (!this.running || this.runs.size === 0) return;
      // experiment -> the PromQL (sanitised) names of its metrics in this batch, each sanitised once
      const written = new Map<string, Set<string>>();
      for (const measure of batch.measures) {
        let metrics = written.get(measure.experiment);
        if (metrics === undefined) written.set(measure.experiment, (metrics = new Set()));
        metrics.add(sanitiseMetricName(measure.metric));
      }
      for (const run of this.runs.values()) {
        const metrics = run.token === undefined && run.leaseTried ? undefined : written.get(run.group.experiment);
        if (metrics !== undefined && readsAny(run, metrics)) this.trigger(run);
      }
    } catch (error) {
      this.logger.warn('rule evaluator: committed measures not handled', { error: String(error) });
    }
  }

  /** Evaluates a group now if this process holds (or can take) its lease; for tests and `rules test`. */
  async evaluateNow(groupId: number, atMs = Date.now()): Promise<void> {
    const run = this.runs.get(groupId);
    if (run) await this.evaluate(run, atMs);
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = this.load().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  private async load(): Promise<void> {
    let groups: readonly RuleGroup[];
    try {
      groups = (await this.reader?.listAll()) ?? [];
    } catch (error) {
      this.logger.warn('rule groups could not be read; keeping the ones known', { error: String(error) });
      return;
    }
    if (!this.running) return;
    const seen = new Set<number>();
    for (const group of groups) {
      seen.add(group.id);
      const run = this.runs.get(group.id);
      if (!run) {
        const created: GroupRun = {
          group,
          offsetMs: groupOffsetMs(group.experiment, group.name, group.intervalMs),
          again: false,
          leaseTried: false,
          recentMs: [],
          metrics: groupMetricNames(group),
        };
        this.runs.set(group.id, created);
        this.schedule(created);
      } else if (run.group.version !== group.version) {
        const moved = run.group.intervalMs !== group.intervalMs || run.group.name !== group.name;
        run.group = group;
        run.metrics = groupMetricNames(group);
        if (moved) {
          clearTimeout(run.slotTimer);
          run.offsetMs = groupOffsetMs(group.experiment, group.name, group.intervalMs);
          this.schedule(run);
        }
      }
    }
    for (const [id, run] of this.runs) {
      if (!seen.has(id)) {
        this.forget(run);
        this.runs.delete(id);
        // A deleted group's alerts end (reason `rule removed`) in one last evaluation by its holder.
        if (run.token !== undefined) this.finish(run);
      }
    }
  }

  private finish(run: GroupRun): void {
    const last: GroupRun = { ...run, group: { ...run.group, rules: [] }, again: false };
    const done = Promise.resolve(run.busy)
      .then(() => this.evaluate(last, Date.now()))
      .finally(() => this.finals.delete(done));
    this.finals.add(done);
  }

  private forget(run: GroupRun): void {
    clearTimeout(run.slotTimer);
    clearTimeout(run.debounceTimer);
    this.metrics.setGroupAlerts(run.group.id, undefined);
  }

  private schedule(run: GroupRun): void {
    if (!this.running) return;
    const now = Date.now();
    const slot = nextEvalSlot(now, run.group.intervalMs, run.offsetMs);
    run.slotTimer = setTimeout(() => this.tick(run, slot), slot - now);
    run.slotTimer.unref();
  }

  private tick(run: GroupRun, slotMs: number): void {
    if (!this.running || this.runs.get(run.group.id) !== run) return;
    this.schedule(run);
    if (run.busy) {
      // Like Prometheus: a slot that comes while the previous evaluation still runs is skipped.
      this.metrics.missed.inc({ rule_group: label(run.group) });
      return;
    }
    this.launch(run, slotMs);
  }

  private trigger(run: GroupRun): void {
    if (run.debounceTimer) return;
    this.arm(run, this.options.debounceMs);
  }

  private arm(run: GroupRun, delayMs: number): void {
    run.debounceTimer = setTimeout(() => {
      run.debounceTimer = undefined;
      if (!this.running || this.runs.get(run.group.id) !== run) return;
      if (run.busy) run.again = true;
      else this.launchTriggered(run);
    }, delayMs);
    run.debounceTimer.unref();
  }

  /** A triggered evaluation waits for the budget with the others; see drainTriggered. */
  private launchTriggered(run: GroupRun): void {
    if (!this.waiting.has(run)) this.waiting.set(run, Date.now());
    this.drainTriggered();
  }

  /**
   * Starts the waiting evaluations the budget allows, cheapest first, so that a small group (a latency
   * alert's) never queues behind the debt of expensive ones. One whose group reached a slot since it
   * began waiting is dropped: that slot's evaluation saw the same measures.
   */
  private drainTriggered(): void {
    clearTimeout(this.budgetTimer);
    this.budgetTimer = undefined;
    if (!this.running) return;
    const now = Date.now();
    const estimate = (run: GroupRun) => estimateMs(run) ?? this.options.triggerBurstMs;
    const byCost = [...this.waiting].sort(([a], [b]) => estimate(a) - estimate(b));
    for (const [run, since] of byCost) {
      if (this.runs.get(run.group.id) !== run || evalSlotAtOrBefore(now, run.group.intervalMs, run.offsetMs) > since) {
        this.waiting.delete(run);
        this.metrics.triggers.inc({ outcome: 'left_to_slot' });
        continue;
      }
      if (run.busy) {
        this.waiting.delete(run);
        run.again = true;
        continue;
      }
      const charge = estimate(run);
      const waitMs = this.budget.reserve(charge);
      if (waitMs > 0) {
        if (Number.isFinite(waitMs)) {
          this.budgetTimer = setTimeout(() => this.drainTriggered(), waitMs);
          this.budgetTimer.unref();
        }
        return;
      }
      this.waiting.delete(run);
      this.metrics.triggers.inc({ outcome: 'evaluated' });
      this.launch(run, now, charge);
    }
  }

  private launch(run: GroupRun, atMs: number, charged?: number): void {
    const started = performance.now();
    run.busy = this.evaluate(run, atMs).finally(() => {
      run.busy = undefined;
      if (charged !== undefined) {
        this.budget.settle(charged, performance.now() - started);
        if (this.waiting.size > 0) this.drainTriggered();
      }
      if (run.again && this.running) {
        run.again = false;
        this.launchTriggered(run);
      }
    });
  }

  /**
   * At most `maxConcurrentEvaluations` evaluations run at once in a process; the others wait their turn
   * (their durations count from when they start). Fifty groups evaluated together against the MariaDB
   * that ingest writes to made each take seconds (bench:alerts); in turn they take what they cost.
   */
  private async evaluate(run: GroupRun, atMs: number): Promise<void> {
    if (this.evaluating >= this.options.maxConcurrentEvaluations) await new Promise<void>((resolve) => this.waitingTurns.push(resolve));
    else this.evaluating++;
    try {
      await this.evaluateInTurn(run, atMs);
    } finally {
      const next = this.waitingTurns.shift();
      if (next) next();
      else this.evaluating--;
    }
  }

  private async evaluateInTurn(run: GroupRun, atMs: number): Promise<void> {
    const { engine, sources } = this;
    if (!engine || !sources) return;
    const group = run.group;
    const rule_group = label(group);
    const started = performance.now();
    try {
      const leaseMs = Math.max(this.options.minLeaseMs, group.intervalMs * this.options.leaseIntervals);
      // The lease runs from the slot the evaluation belongs to, not from now: an evaluation a commit
      // triggered late in the interval, or a slot that fired late on a loaded machine, must not push the
      // expiry past the second slot, or a dead holder would be replaced after more than two intervals.
      const slotMs = evalSlotAtOrBefore(atMs, group.intervalMs, run.offsetMs);
      const lease = await this.leases.acquire(group.id, this.holder, Math.max(1, leaseMs - (Date.now() - slotMs)));
      run.leaseTried = true;
      if (!lease) {
        if (run.token !== undefined) this.metrics.setGroupAlerts(group.id, undefined);
        run.token = undefined;
        return;
      }
      if (run.token !== lease.fencingToken) {
        this.metrics.takeovers.inc();
        this.logger.info('rule group lease taken', { group: rule_group, fencingToken: lease.fencingToken });
      }
      run.token = lease.fencingToken;
      const previous = await this.alerts.statesOfGroup(group.id);
      const source = sources.scoped({ kind: 'experiments', experimentIds: [group.experimentId] });
      const evaluation = await evaluateGroup(group, previous, atMs, {
        engine,
        source,
        ...(this.classify ? { classify: this.classify } : {}),
        expand: this.options.expand ?? expandTemplate,
      });
      await commitRetryingDeadlocks(() =>
        commitEvaluation({ tx: this.tx, leases: this.leases, alerts: this.alerts, measures: this.measures }, group, lease, evaluation, performance.now() - started),
      );
      this.metrics.evaluations.inc({ rule_group }, evaluation.rules.length);
      const failed = evaluation.rules.filter((r) => r.health === 'err').length;
      if (failed > 0) this.metrics.failures.inc({ rule_group }, failed);
      if (evaluation.classifierFailures > 0) this.metrics.classifierFailures.inc(evaluation.classifierFailures);
      this.metrics.setGroupAlerts(group.id, {
        pending: evaluation.states.filter((s) => s.state === 'pending').length,
        firing: evaluation.states.filter((s) => s.state === 'firing').length,
      });
      const durationMs = performance.now() - started;
      run.recentMs.push(durationMs);
      if (run.recentMs.length > RECENT_DURATIONS) run.recentMs.shift();
      this.metrics.groupDuration.observe({ rule_group }, durationMs / 1000);
    } catch (error) {
      if (error instanceof StaleLeaseError) {
        this.metrics.commitsRefused.inc({ reason: 'stale_lease' });
        this.metrics.setGroupAlerts(group.id, undefined);
        run.token = undefined;
        this.logger.warn('rule group evaluation dropped: the lease was taken over', { group: rule_group });
      } else if (error instanceof StaleEvaluationError) {
        this.metrics.commitsRefused.inc({ reason: 'stale_time' });
      } else {
        this.metrics.failures.inc({ rule_group });
        this.logger.warn('rule group evaluation failed', { group: rule_group, error: String(error) });
      }
    }
  }
}

/** How many of a group's last evaluation durations its estimate looks at. */
const RECENT_DURATIONS = 8;

/**
 * What a triggered evaluation of the group is charged up front: the fastest of its last evaluations.
 * Under load the wall-clock durations include waiting for the database and the event loop (bench:alerts
 * saw a one-series group take 20 ms to 1.8 s under ingest), and one slow run must not make a cheap group
 * look expensive; what it really took is settled with the budget when it ends. Undefined before its
 * first evaluation (the caller charges a whole burst: a process that just started must not evaluate
 * every group of the experiment at once on its first commit).
 */
function estimateMs(run: GroupRun): number | undefined {
  return run.recentMs.length === 0 ? undefined : Math.min(...run.recentMs);
}

/**
 * The commit writes ALERTS rows into `measures` while ingest writes there too: InnoDB may pick it as a
 * deadlock victim (bench:alerts saw it under flat-out ingest). The victim's transaction is rolled back
 * whole, so the same commit (fenced again) is simply tried again.
 */
async function commitRetryingDeadlocks<T>(commit: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await commit();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof StorageUnavailableError) || error.code !== 'ER_LOCK_DEADLOCK') throw error;
    }
  }
}

function label(group: RuleGroup): string {
  return `${group.experiment}/${group.name}`;
}

/** Whether the group's rules read one of these metric names (as PromQL sees them, sanitised). */
function readsAny(run: GroupRun, metrics: ReadonlySet<string>): boolean {
  if (run.metrics === undefined) return true;
  for (const metric of metrics) if (run.metrics.has(metric)) return true;
  return false;
}
