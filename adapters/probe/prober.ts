import type { MeasurePublisher } from '../sdk';
import type { AdapterJob } from '../common/cli';
import type { AdapterLogger } from '../common/logger';
import { runCheck, type ProbeResult } from './checks';
import type { Check, ProbeAdapterConfig } from './config';
import { resultToMeasures } from './results';

/**
 * Prober runs each check on its own schedule (the first run at start, spread over the first second so
 * that many checks do not fire at once; a run never overlaps the previous one of the same check) and
 * publishes each result as measures.
 */
export class Prober implements AdapterJob {
  readonly finished?: Promise<void>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private readonly counters = { runs: 0, failures: 0, publishErrors: 0 };

  constructor(
    private readonly config: ProbeAdapterConfig,
    private readonly publisher: MeasurePublisher,
    private readonly logger: AdapterLogger,
    once = false,
    /** Called with every result (tests, embedding). */
    private readonly onResult?: (result: ProbeResult) => void,
  ) {
    if (once) this.finished = Promise.resolve().then(() => Promise.all(config.probe.checks.map((check) => this.track(this.run(check)))).then(() => undefined));
  }

  async start(): Promise<void> {
    if (this.finished) return;
    const checks = this.config.probe.checks;
    checks.forEach((check, i) => this.schedule(check, Math.floor((i * 1000) / checks.length)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  summary(): Record<string, unknown> {
    return { ...this.counters };
  }

  private schedule(check: Check, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const started = Date.now();
      void this.track(this.run(check)).finally(() => {
        const interval = check.intervalMs ?? this.config.probe.intervalMs;
        this.schedule(check, Math.max(0, interval - (Date.now() - started)));
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private track(work: Promise<void>): Promise<void> {
    this.running.add(work);
    return work.finally(() => this.running.delete(work));
  }

  private async run(check: Check): Promise<void> {
    const result = await runCheck(check, check.timeoutMs ?? this.config.probe.timeoutMs);
    this.counters.runs += 1;
    if (!result.success) {
      this.counters.failures += 1;
      this.logger.warn('check failed', { check: check.name, target: result.target, error: result.error, durationMs: result.durationMs });
    } else {
      this.logger.debug('check passed', { check: check.name, durationMs: result.durationMs });
    }
    this.onResult?.(result);
    const measures = resultToMeasures(result, {
      experiment: (check.experiment ?? this.config.experiment) as string,
      metricPrefix: this.config.probe.metricPrefix,
      tags: check.tags,
    });
    try {
      const outcome = await this.publisher.publish(measures);
      for (const invalid of outcome.invalid) {
        this.logger.error('probe measure refused by the schema', { check: check.name, errors: invalid.errors });
      }
    } catch (error) {
      this.counters.publishErrors += 1;
      this.logger.error('cannot publish the probe result', { check: check.name, error: (error as Error).message });
    }
  }
}
