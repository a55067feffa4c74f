import type { Measure, MeasurePublisher } from '../sdk';
import { BadInputReporter } from '../common/bad-input';
import type { AdapterJob } from '../common/cli';
import { parseExposition } from '../common/exposition';
import type { AdapterLogger } from '../common/logger';
import type { PrometheusAdapterConfig, PrometheusTarget } from './config';
import { samplesToMeasures } from './samples';

const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

/**
 * PrometheusScraper scrapes each target every intervalMs (a target's scrapes never overlap) and publishes
 * its samples as measures. A failed scrape is logged and counted, and publishes `up 0` like Prometheus
 * does; unparsable lines are bad input reported with the target URL and the line.
 */
export class PrometheusScraper implements AdapterJob {
  readonly finished?: Promise<void>;
  private readonly bad: BadInputReporter;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private readonly counters = { scrapes: 0, scrapeFailures: 0, samples: 0, measures: 0, skippedNonFinite: 0, badLines: 0, invalidMeasures: 0 };

  constructor(
    private readonly config: PrometheusAdapterConfig,
    private readonly publisher: MeasurePublisher,
    private readonly logger: AdapterLogger,
    private readonly once = false,
  ) {
    this.bad = new BadInputReporter(logger);
    if (once) this.finished = Promise.resolve().then(() => this.scrapeAllOnce());
  }

  async start(): Promise<void> {
    if (this.once) return;
    for (const target of this.config.prometheus.targets) this.schedule(target, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  summary(): Record<string, unknown> {
    return { ...this.counters, badInput: this.bad.count };
  }

  private async scrapeAllOnce(): Promise<void> {
    await Promise.all(this.config.prometheus.targets.map((target) => this.track(this.scrape(target))));
  }

  private schedule(target: PrometheusTarget, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const started = Date.now();
      void this.track(this.scrape(target)).finally(() => {
        this.schedule(target, Math.max(0, this.config.prometheus.intervalMs - (Date.now() - started)));
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private track(work: Promise<void>): Promise<void> {
    this.running.add(work);
    return work.finally(() => this.running.delete(work));
  }

  /** One scrape of one target; never throws. */
  async scrape(target: PrometheusTarget): Promise<void> {
    const experiment = (target.experiment ?? this.config.experiment) as string;
    const url = new URL(target.url);
    const defaultSource = target.source ?? url.host;
    const started = Date.now();
    this.counters.scrapes += 1;
    let text: string | undefined;
    try {
      const headers: Record<string, string> = { accept: ACCEPT };
      if (target.bearerToken) headers.authorization = `Bearer ${target.bearerToken}`;
      const response = await fetch(target.url, { headers, signal: AbortSignal.timeout(this.config.prometheus.timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      text = await response.text();
    } catch (error) {
      this.counters.scrapeFailures += 1;
      this.logger.warn('scrape failed', { target: target.url, error: (error as Error).message });
    }
    const durationS = (Date.now() - started) / 1000;

    const measures: Measure[] = [];
    const lines: number[] = [];
    let scraped = 0;
    if (text !== undefined) {
      const parsed = parseExposition(text);
      for (const error of parsed.errors) {
        this.counters.badLines += 1;
        this.bad.report({ file: target.url, line: error.line }, error.message);
      }
      scraped = parsed.samples.length;
      const mapped = samplesToMeasures(parsed.samples, {
        experiment,
        defaultSource,
        scrapedAt: started,
        labels: target.labels,
        include: target.include.map((source) => new RegExp(source)),
        exclude: target.exclude.map((source) => new RegExp(source)),
      });
      this.counters.samples += parsed.samples.length;
      this.counters.skippedNonFinite += mapped.skipped;
      measures.push(...mapped.measures);
      lines.push(...mapped.lines);
    }
    if (this.config.prometheus.syntheticMetrics) {
      const synthetic = (metric: string, value: number): Measure => ({
        experiment,
        metric,
        source: defaultSource,
        value,
        timestamp: started,
        tags: { ...target.labels },
      });
      const up = [synthetic('up', text === undefined ? 0 : 1), synthetic('scrape_duration_seconds', durationS)];
      if (text !== undefined) up.push(synthetic('scrape_samples_scraped', scraped));
      for (const m of up) if (Object.keys(m.tags ?? {}).length === 0) delete m.tags;
      measures.push(...up);
      lines.push(...up.map(() => 0));
    }
    if (measures.length === 0) return;
    try {
      const outcome = await this.publisher.publish(measures);
      this.counters.measures += outcome.accepted;
      for (const invalid of outcome.invalid) {
        this.counters.invalidMeasures += 1;
        this.bad.report({ file: target.url, line: lines[invalid.index] || undefined }, `${measures[invalid.index]?.metric}: ${invalid.errors.join('; ')}`);
      }
    } catch (error) {
      this.logger.error('cannot publish the scrape', { target: target.url, error: (error as Error).message });
    }
  }
}
