import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inject, injectable, multiInject, optional } from 'inversify';
import { AGENT_CHECK_KINDS, type CheckKind } from '../../checks/model';
import { parseCheckParams, type ParsedParams } from '../../checks/params';
import { StaleClaimError, type CheckExecutor, type CheckJob, type CheckResultRecorder, type RecordedResult } from '../../checks/ports';
import { dueSlots } from '../../checks/schedule/due-slots';
import { expandSlot } from '../../checks/schedule/expand-slot';
import { latenessMs, missedBeyondLateness } from '../../checks/schedule/slots';
import type { Component } from '../../component';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import { CheckSchedulerMetrics } from '../../metrics/check-scheduler-metrics';
import type { ScheduleIntervalRow, ScheduleStore, SlotClaim } from '../../storage/schedule-stores';
import { CheckJobRunner } from './check-job-runner';
import { Permits } from './permits';
import { SerialLanes } from './serial-lanes';

export interface CheckSchedulerOptions {
  /** How often due intervals and expired claims are looked for. */
  readonly pollMs: number;
  /** How long before its time a slot is claimed (its jobs start on a timer at the slot): claiming is then no part of lateness. */
  readonly lookaheadMs: number;
  /** A claim's lease; renewed every third of it while its jobs run. Takeover of a dead holder's slots: within lease + poll. */
  readonly leaseMs: number;
  /** Jobs running at once in this process. */
  readonly concurrency: number;
  /** Results being recorded at once (each a transaction on a pooled connection): fewer than the pool's connections. */
  readonly recordConcurrency: number;
  /** Superseded due slots recorded as missed per interval (older ones are only counted as skipped). */
  readonly maxMissedSlots: number;
  /** Intervals claimed per poll. */
  readonly claimBatch: number;
  /** How long finished claims are kept. */
  readonly retentionMs: number;
  /** How long past a job's timeout an executor that ignores its signal is waited for. */
  readonly timeoutGraceMs: number;
  /** Stored check parameters to typed ones (the real parser of src/checks/params.ts unless a test needs another). */
  readonly parseParams?: (kind: CheckKind, raw: unknown) => ParsedParams;
}

export const DEFAULT_CHECK_SCHEDULER_OPTIONS: CheckSchedulerOptions = {
  pollMs: 250,
  lookaheadMs: 1_000,
  leaseMs: 1_500,
  concurrency: 64,
  recordConcurrency: 4,
  maxMissedSlots: 10,
  claimBatch: 200,
  retentionMs: 24 * 3600_000,
  timeoutGraceMs: 1_000,
};

const PURGE_EVERY_MS = 60_000;
/** Clock readings (one per poll) the offset is chosen among. */
const CLOCK_SAMPLES = 40;
/** After a slot's result could not be recorded, its claim is left to be taken over (by any process) this much later. */
const RETRY_UNRECORDED_MS = 1_000;

/** A claim this process is working on. */
interface ActiveSlot {
  readonly claim: SlotClaim;
  /** Aborted when the process stops or the slot was taken over (stale): no result of it is recorded then. */
  readonly controller: AbortController;
  unrecorded: number;
}

const AGENT_KINDS: ReadonlySet<CheckKind> = new Set(AGENT_CHECK_KINDS);

const slotKey = (scheduleId: number, slotMs: number) => `${scheduleId}@${slotMs}`;

/**
 * CheckScheduler runs schedules with Prophasis's semantics, shared by every `consume` process through
 * MySQL. Each poll it claims the due slots of due intervals (the claim and the walk of execute_next past
 * the present are one transaction, so a slot is claimed once), expands each claimed slot into jobs (check
 * x host), runs them through the executor of their kind within a global concurrency limit and each job's
 * timeout, and hands the results to the recorder, whose transaction checks the claim's fencing token
 * (SlotFence). Claims are leases renewed while their jobs run: another process takes over a claim whose
 * holder stopped renewing it and finishes only the jobs not recorded yet. A job that starts beyond the
 * schedule's maximum lateness is recorded as missed.
 */
@injectable()
export class CheckScheduler implements Component {
  readonly name = 'check-scheduler';
  readonly runsIn = 'consume';
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly options: CheckSchedulerOptions;
  private readonly runner: CheckJobRunner;
  private readonly permits: Permits;
  private readonly writes: Permits;
  private readonly lanes = new SerialLanes();
  private readonly parse: (kind: CheckKind, raw: unknown) => ParsedParams;
  private readonly active = new Map<string, ActiveSlot>();
  private readonly working = new Set<Promise<void>>();
  /** Intervals whose stored numbers are out of range, warned about once. */
  private readonly broken = new Set<number>();
  private running = false;
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private lastPurge = 0;
  /** The database clock minus this process's (see readClock). */
  private clockOffsetMs = 0;
  private readonly clockSamples: Array<{ rtt: number; offset: number }> = [];

  constructor(
    @inject(TYPES.ScheduleStore) private readonly store: ScheduleStore,
    @inject(CheckSchedulerMetrics) private readonly metrics: CheckSchedulerMetrics,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @multiInject(TYPES.CheckExecutor) @optional() executors?: readonly CheckExecutor[],
    @inject(TYPES.CheckResultRecorder) @optional() private readonly recorder?: CheckResultRecorder,
    @inject(TYPES.CheckSchedulerOptions) @optional() options?: Partial<CheckSchedulerOptions>,
  ) {
    this.options = { ...DEFAULT_CHECK_SCHEDULER_OPTIONS, ...options };
    this.runner = new CheckJobRunner(executors ?? [], this.options.timeoutGraceMs);
    this.permits = new Permits(this.options.concurrency);
    this.writes = new Permits(this.options.recordConcurrency);
    this.parse = this.options.parseParams ?? parseCheckParams;
  }

  async start(): Promise<void> {
    if (!this.recorder) {
      // Claiming slots whose results cannot be stored would lose them: leave them to a process that can.
      this.logger.warn('check scheduler not started: no check result recorder is bound');
      return;
    }
    this.running = true;
    this.logger.info('check scheduler started', { holder: this.holder, kinds: this.runner.kinds() });
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.options.leaseMs / 3)));
    this.renewTimer.unref();
    this.schedulePoll(0);
  }

  /** Stops claiming, abandons the jobs in progress unrecorded, and releases this process's claims so that others take them over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.pollTimer);
    clearInterval(this.renewTimer);
    await this.polling;
    const claims = [...this.active.values()];
    for (const slot of claims) slot.controller.abort(new Error('the scheduler is stopping'));
    await Promise.all([...this.working]);
    for (const slot of claims) {
      try {
        await this.store.release(slot.claim);
      } catch (error) {
        this.logger.warn('check slot claim not released; it is taken over when its lease expires', { error: String(error) });
      }
    }
  }

  /**
   * Estimates the database clock's offset from one query's round trip; a slow round trip (a busy pool or
   * server) says little, so the estimate of the quickest recent one is kept.
   */
  private async readClock(): Promise<void> {
    const before = performance.now();
    const wall = Date.now();
    const nowMs = await this.store.nowMs();
    const rtt = performance.now() - before;
    this.clockSamples.push({ rtt, offset: nowMs - (wall + rtt / 2) });
    if (this.clockSamples.length > CLOCK_SAMPLES) this.clockSamples.shift();
    const best = this.clockSamples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    this.clockOffsetMs = Math.round(best.offset);
  }

  /** The database's clock, as estimated by readClock. */
  private dbNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    this.pollTimer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        this.schedulePoll(this.options.pollMs);
      });
    }, delayMs);
    this.pollTimer.unref();
  }

  /** One pass: claim due slots, take over abandoned ones, now and then purge. Never throws. */
  private async poll(): Promise<void> {
    try {
      await this.readClock();
      const { intervals } = await this.store.dueIntervals(this.options.claimBatch, this.options.lookaheadMs);
      // In a random order: processes polling together then mostly claim different intervals instead of queueing on the same row locks.
      for (const interval of shuffled(intervals)) {
        if (!this.running) return;
        await this.claim(interval);
      }
      for (const expired of await this.store.expiredClaims(this.options.claimBatch)) {
        if (!this.running) return;
        if (this.active.has(slotKey(expired.scheduleId, expired.slotMs))) continue;
        const claim = await this.store.takeOver(expired.scheduleId, expired.slotMs, this.holder, this.options.leaseMs);
        if (!claim) continue;
        this.metrics.takeovers.inc();
        this.logger.info('check slot taken over', { scheduleId: claim.scheduleId, slotMs: claim.slotMs, fencingToken: claim.fencingToken });
        this.work(claim);
      }
      if (Date.now() - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        await this.store.purge(this.options.retentionMs, 5_000);
      }
    } catch (error) {
      this.logger.warn('check scheduler poll failed; retrying at the next poll', { error: String(error) });
    }
  }

  private async claim(interval: ScheduleIntervalRow): Promise<void> {
    try {
      const { claims, due } = await this.store.claimDue(interval.intervalId, this.holder, this.options.leaseMs, (row, nowMs) =>
        dueSlots(row, row.executeNextMs, nowMs, row.maxLatenessMs, this.options.maxMissedSlots, this.options.lookaheadMs),
      );
      this.broken.delete(interval.intervalId);
      if (due && due.skipped > 0) {
        this.metrics.slots.inc({ mode: 'skipped' }, due.skipped);
        this.logger.warn('check slots skipped: no scheduler ran them in time', { scheduleId: interval.scheduleId, skipped: due.skipped });
      }
      for (const claim of claims) {
        this.metrics.slots.inc({ mode: claim.mode });
        this.work(claim);
      }
    } catch (error) {
      if (error instanceof RangeError) {
        if (!this.broken.has(interval.intervalId)) this.logger.warn('schedule interval not run: its numbers are out of range', { intervalId: interval.intervalId, error: error.message });
        this.broken.add(interval.intervalId);
        return;
      }
      throw error;
    }
  }

  private work(claim: SlotClaim): void {
    const slot: ActiveSlot = { claim, controller: new AbortController(), unrecorded: 0 };
    const key = slotKey(claim.scheduleId, claim.slotMs);
    this.active.set(key, slot);
    const done = this.runSlot(slot).finally(() => {
      this.active.delete(key);
      this.working.delete(done);
    });
    this.working.add(done);
  }

  private async runSlot(slot: ActiveSlot): Promise<void> {
    const { claim } = slot;
    try {
      const snapshot = await this.store.snapshot(claim.scheduleId);
      if (snapshot) {
        const { jobs, invalid } = expandSlot(snapshot, claim.slotMs, claim.fencingToken, this.parse);
        for (const { checkId, problems } of invalid) this.logger.warn('check not run: its stored parameters do not parse', { checkId, problems });
        const recorded = claim.takenOver ? await this.store.recordedJobs(claim.scheduleId, claim.slotMs) : new Set<string>();
        const pending = jobs.filter((job) => !recorded.has(`${job.checkId}:${job.host.id}`));
        // A slot claimed ahead of its time starts at its time.
        if (claim.mode === 'run') await waitUntil(() => this.dbNow(), claim.slotMs, slot.controller.signal);
        await Promise.all(pending.map((job) => this.settle(slot, job, snapshot.maxLatenessMs)));
      }
      if (slot.controller.signal.aborted) return;
      if (slot.unrecorded > 0) await this.store.release(claim, RETRY_UNRECORDED_MS);
      else await this.store.finish(claim);
    } catch (error) {
      this.logger.warn('check slot not finished; released to be taken over', { scheduleId: claim.scheduleId, slotMs: claim.slotMs, error: String(error) });
      // This process no longer works on it: released, or (failing that) no longer renewed, it is taken over.
      await this.store.release(claim, RETRY_UNRECORDED_MS).catch(() => undefined);
    }
  }

  /**
   * Runs (or records as missed) one job in its turn, then records its result. Runs and records are limited
   * apart: checks wait on the network, records on the database, whose pool the claims of the next slots
   * need too (bench:checks missed slots while 64 records held every pooled connection).
   */
  private async settle(slot: ActiveSlot, job: CheckJob, maxLatenessMs: number): Promise<void> {
    const { signal } = slot.controller;
    // An agent runs one check at a time, in dispatch order: its jobs wait in its lane before taking a permit.
    const agent = AGENT_KINDS.has(job.kind) ? job.host.agent : undefined;
    const write = agent === undefined ? await this.runJob(slot, job, maxLatenessMs) : await this.lanes.run(agent, () => this.runJob(slot, job, maxLatenessMs));
    if (write === undefined) return;
    if (!(await this.writes.acquire(signal))) return;
    try {
      await this.record(slot, job, write);
    } finally {
      this.writes.release();
    }
  }

  /** Runs the job in its turn (or decides it is missed); what to record, undefined when nothing is. */
  private async runJob(slot: ActiveSlot, job: CheckJob, maxLatenessMs: number): Promise<((recorder: CheckResultRecorder) => Promise<RecordedResult>) | undefined> {
    const { signal } = slot.controller;
    if (!(await this.permits.acquire(signal))) return undefined;
    this.metrics.running.inc();
    try {
      const startedMs = this.dbNow();
      if (slot.claim.mode === 'missed' || missedBeyondLateness(job.slotMs, startedMs, maxLatenessMs)) return (recorder) => recorder.recordMissed(job);
      this.metrics.lateness.observe(latenessMs(job.slotMs, startedMs) / 1000);
      const result = await this.runner.run(job, signal);
      return (recorder) => recorder.record(job, result);
    } finally {
      this.metrics.running.dec();
      this.permits.release();
    }
  }

  private async record(slot: ActiveSlot, job: CheckJob, write: (recorder: CheckResultRecorder) => Promise<RecordedResult>): Promise<void> {
    const { recorder } = this;
    if (!recorder || slot.controller.signal.aborted) return;
    try {
      const recorded = await write(recorder);
      this.metrics.jobs.inc({ outcome: recorded.outcome });
    } catch (error) {
      if (error instanceof StaleClaimError) {
        // Another process holds the slot now and runs what is not recorded: stop working on it.
        slot.controller.abort(error);
        this.metrics.jobs.inc({ outcome: 'stale' });
        this.logger.warn('check slot taken over by another process; its jobs here are dropped', { scheduleId: job.scheduleId, slotMs: job.slotMs });
        return;
      }
      slot.unrecorded++;
      this.metrics.jobs.inc({ outcome: 'unrecorded' });
      this.logger.warn('check result not recorded; the slot is run again for it', { checkId: job.checkId, hostId: job.host.id, slotMs: job.slotMs, error: String(error) });
    }
  }

  private async renew(): Promise<void> {
    if (!this.running || this.active.size === 0) return;
    try {
      await this.store.renew(this.holder, [...this.active.values()].map((slot) => slot.claim), this.options.leaseMs);
    } catch (error) {
      this.logger.warn('check slot leases not renewed', { error: String(error) });
    }
  }
}

/** Resolves once `clock()` reads `atMs` or later, or at once when `signal` aborts. */
async function waitUntil(clock: () => number, atMs: number, signal: AbortSignal): Promise<void> {
  for (let left = atMs - clock(); left > 0 && !signal.aborted; left = atMs - clock()) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, left);
      signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
