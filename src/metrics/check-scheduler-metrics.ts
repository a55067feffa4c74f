import { inject, injectable } from 'inversify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/** CheckSchedulerMetrics: what the check scheduler of this process claims, runs and records. */
@injectable()
export class CheckSchedulerMetrics {
  readonly slots: Counter<'mode'>;
  readonly jobs: Counter<'outcome'>;
  readonly lateness: Histogram;
  readonly takeovers: Counter;
  readonly running: Gauge;

  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.slots = new Counter({
      name: 'mymonit_check_slots_total',
      help: 'Schedule slots this process claimed: run, missed (started beyond the maximum lateness, or superseded by a newer due slot), skipped (superseded beyond the cap, not recorded)',
      labelNames: ['mode'],
      registers,
    });
    for (const mode of ['run', 'missed', 'skipped']) this.slots.inc({ mode }, 0);
    this.jobs = new Counter({
      name: 'mymonit_check_jobs_total',
      help: 'Check jobs settled by this process, by outcome (ok, failed, timeout, error, missed; stale: refused because another process took the slot over; unrecorded: the recorder failed)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['ok', 'failed', 'timeout', 'error', 'missed', 'stale', 'unrecorded']) this.jobs.inc({ outcome }, 0);
    this.lateness = new Histogram({
      name: 'mymonit_check_lateness_seconds',
      help: 'How long after its slot a check job started (the database clock), for the jobs that ran',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.takeovers = new Counter({
      name: 'mymonit_check_slot_takeovers_total',
      help: 'Slot claims this process took over from a holder that stopped renewing its lease',
      registers,
    });
    this.running = new Gauge({ name: 'mymonit_check_jobs_running', help: 'Check jobs executing in this process', registers });
  }
}
