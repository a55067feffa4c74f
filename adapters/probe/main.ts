import { adapterCommand, main, runAdapter, type CommonFlags } from '../common/cli';
import { loadProbeAdapterConfig } from './config';
import { Prober } from './prober';

interface ProbeFlags extends CommonFlags {
  once?: boolean;
  interval?: string;
  experiment?: string;
}

/** mymonit-probe-adapter: synthetic checks (HTTP, TCP, DNS) on a schedule, published as measures. */
export function probeAdapterCli() {
  return adapterCommand(
    'mymonit-probe-adapter',
    'Run synthetic checks on a schedule (HTTP request with expected status, TCP connect, DNS lookup) and publish ' +
      'probe_success (1/0), probe_duration_ms and probe_http_status as measures, the check name as source.',
    'PROBE_ADAPTER_INTERVAL_MS',
  )
    .option('--once', 'run every check once, publish, exit')
    .option('-i, --interval <ms>', 'default interval between runs of a check (probe.intervalMs)')
    .option('-e, --experiment <code>', 'experiment of checks that do not name one')
    .action(async (flags: ProbeFlags) => {
      process.exitCode = await runAdapter({
        adapter: 'probe',
        flags,
        loadConfig: () =>
          loadProbeAdapterConfig({
            file: flags.config,
            overrides: { 'probe.intervalMs': flags.interval, experiment: flags.experiment },
          }),
        createJob: (config, publisher, logger) => new Prober(config, publisher, logger, flags.once ?? false),
      });
    });
}

if (require.main === module) main(probeAdapterCli());
