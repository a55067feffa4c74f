import { loadPrometheusAdapterConfig } from '../../../adapters/prometheus/config';
import { PrometheusScraper } from '../../../adapters/prometheus/scraper';
import { eventually } from '../../support/eventually';
import { createTestBroker, type TestBroker } from './broker';
import { startNodeExporter, type NodeExporter } from '../../support/node-exporter';
import { brokerEnv, runInProcess, tempDir } from '../../support/adapters';

describe('prometheus adapter scraping a real prometheus-node-exporter', () => {
  let broker: TestBroker;
  let exporter: NodeExporter;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    [broker, exporter] = await Promise.all([createTestBroker('promadapter'), startNodeExporter()]);
    tmp = tempDir('prometheus-adapter');
  });
  afterAll(async () => {
    await Promise.all([broker.cleanup(), exporter.stop()]);
    tmp.remove();
  });

  const start = (prometheus: Record<string, unknown>, once: boolean) => {
    const config = tmp.yaml('prometheus.yaml', { experiment: 'EXP-PROM', prometheus });
    return runInProcess({
      adapter: 'prometheus',
      loadConfig: () => loadPrometheusAdapterConfig({ file: config, env: brokerEnv(broker) }),
      createJob: (c, publisher, logger) => new PrometheusScraper(c, publisher, logger, once),
    });
  };

  it('publishes every sample of a scrape: metric name, labels as tags, the target as source', async () => {
    const run = start({ targets: [{ url: exporter.url, labels: { job: 'node' } }] }, true);
    expect(await run.exit).toBe(0);
    const summary = run.logger.entries.find((e) => e.message === 'adapter stopped')?.meta as Record<string, number> & { publisher: Record<string, number> };
    expect(summary.scrapes).toBe(1);
    expect(summary.scrapeFailures).toBe(0);
    expect(summary.badLines).toBe(0);
    expect(summary.samples).toBeGreaterThan(100);
    // Every finite sample is a measure (none refused by the contract), plus up, duration and sample count.
    expect(summary.invalidMeasures).toBe(0);
    expect(summary.publisher.confirmed).toBe(summary.samples - summary.skippedNonFinite + 3);

    const measures = await broker.waitForMeasures(summary.publisher.confirmed);
    const source = `127.0.0.1:${exporter.port}`;
    expect(measures.every((m) => m.experiment === 'EXP-PROM' && m.source === source)).toBe(true);
    const cpu = measures.filter((m) => m.metric === 'node_cpu_seconds_total');
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu[0].tags).toEqual({ cpu: expect.any(String), mode: expect.any(String), job: 'node' });
    expect(measures.find((m) => m.metric === 'node_load1')).toMatchObject({ value: expect.any(Number), tags: { job: 'node' } });
    expect(measures.find((m) => m.metric === 'up')).toMatchObject({ value: 1, source });
    expect(measures.find((m) => m.metric === 'scrape_samples_scraped')?.value).toBe(summary.samples);
  });

  it('scrapes on its interval, with include filters, until stopped; a dead target publishes up 0', async () => {
    const before = broker.measures().length;
    const run = start(
      {
        intervalMs: 300,
        targets: [
          { url: exporter.url, include: ['^node_load1$'], source: 'this-host' },
          { url: 'http://127.0.0.1:9/metrics', source: 'dead' }, // discard port: nothing listens
        ],
        timeoutMs: 1000,
      },
      false,
    );
    await run.started;
    const loads = () => broker.measures().slice(before).filter((m) => m.metric === 'node_load1').length;
    await eventually(loads, (n) => n >= 3, { what: 'three scrapes published' });
    expect(await run.stop()).toBe(0);
    const measures = broker.measures().slice(before);
    const load = measures.filter((m) => m.metric === 'node_load1');
    expect(load.length).toBeGreaterThanOrEqual(3);
    expect(load.every((m) => m.source === 'this-host')).toBe(true);
    expect(new Set(measures.map((m) => m.metric))).toEqual(new Set(['node_load1', 'up', 'scrape_duration_seconds', 'scrape_samples_scraped']));
    const deadUp = measures.filter((m) => m.metric === 'up' && m.source === 'dead');
    expect(deadUp.length).toBeGreaterThanOrEqual(2);
    expect(deadUp.every((m) => m.value === 0)).toBe(true);
    expect(run.logger.entries.some((e) => e.message === 'scrape failed' && e.meta?.target === 'http://127.0.0.1:9/metrics')).toBe(true);
  });
});
