import { adapterCommand, main, runAdapter, type CommonFlags } from '../common/cli';
import { loadPrometheusAdapterConfig } from './config';
import { PrometheusScraper } from './scraper';

interface PrometheusFlags extends CommonFlags {
  once?: boolean;
  interval?: string;
  experiment?: string;
}

/** mymonit-prometheus-adapter: scrapes exposition endpoints and publishes their samples as measures. */
export function prometheusAdapterCli() {
  return adapterCommand(
    'mymonit-prometheus-adapter',
    'Scrape Prometheus exposition endpoints (exporters) on an interval and publish their samples to MyMONIT: ' +
      'metric name -> metric, labels -> tags, instance label -> source.',
    'PROMETHEUS_ADAPTER_INTERVAL_MS',
  )
    .option('--once', 'scrape every target once, publish, exit')
    .option('-i, --interval <ms>', 'scrape interval in milliseconds (prometheus.intervalMs)')
    .option('-e, --experiment <code>', 'experiment of targets that do not name one')
    .action(async (flags: PrometheusFlags) => {
      process.exitCode = await runAdapter({
        adapter: 'prometheus',
        flags,
        loadConfig: () =>
          loadPrometheusAdapterConfig({
            file: flags.config,
            overrides: { 'prometheus.intervalMs': flags.interval, experiment: flags.experiment },
          }),
        createJob: (config, publisher, logger) => new PrometheusScraper(config, publisher, logger, flags.once ?? false),
      });
    });
}

if (require.main === module) main(prometheusAdapterCli());
