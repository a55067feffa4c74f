import { Command } from 'commander';
import { MeasurePublisher, type PublisherStats } from '../sdk';
import { AdapterConfigError, publisherOptions, redactedConfig, type CommonConfig } from './config';
import { createLogger, type AdapterLogger } from './logger';
import { mymonitVersion } from './version';

/** One adapter's work, between the publisher's start and close. */
export interface AdapterJob {
  start(): Promise<void>;
  /** Stops reading input; what was read is still flushed by the publisher's close(). */
  stop(): Promise<void>;
  /** Resolves when the job ends by itself (a file read --once); never for a daemon. */
  readonly finished?: Promise<void>;
  /** Counters for the exit summary (lines read, bad input, scrapes...). */
  summary(): Record<string, unknown>;
}

/** The flags every adapter has. */
export interface CommonFlags {
  config?: string;
  printConfig?: boolean;
}

/** A commander program with the options every adapter shares. */
export function adapterCommand(name: string, description: string, configHelp: string): Command {
  return new Command(name)
    .description(description)
    .version(`${name} ${mymonitVersion()}`, '-V, --version', 'print the version and exit')
    .option('-c, --config <file>', 'YAML or JSON configuration file (see adapters/README.md)')
    .option('--print-config', 'print the resolved configuration (secrets masked) and exit')
    .addHelpText(
      'after',
      `\nEnvironment (overrides the config file): RABBIT_URL, RABBIT_USER, RABBIT_PASSWORD, RABBIT_EXCHANGE,\n` +
        `RABBIT_ROUTING, MYMONIT_EXPERIMENT, LOG_LEVEL${configHelp ? `, ${configHelp}` : ''}.\n` +
        `Exit status: 0 after a clean stop, 1 if measures were left unconfirmed, 2 for a configuration error.`,
    );
}

export interface RunOptions<C extends CommonConfig> {
  adapter: string;
  flags: CommonFlags;
  loadConfig: () => C;
  createJob: (config: C, publisher: MeasurePublisher, logger: AdapterLogger) => AdapterJob;
  whenFull?: 'block' | 'fail';
  /** For tests: what stops the process instead of SIGINT/SIGTERM. */
  stopSignal?: AbortSignal;
  logger?: AdapterLogger;
  print?: (text: string) => void;
  /** Called once the job runs (tests read the HTTP adapter's address from it). */
  onStarted?: (job: AdapterJob, publisher: MeasurePublisher) => void;
}

/**
 * Runs one adapter process: loads the config, connects the publisher, runs the job until it finishes or
 * SIGINT/SIGTERM arrives, then stops the job, flushes the publisher (close waits for the last confirms)
 * and logs a summary. Resolves with the exit status; a second signal exits at once.
 */
export async function runAdapter<C extends CommonConfig>(options: RunOptions<C>): Promise<number> {
  const print = options.print ?? ((text: string) => void process.stdout.write(`${text}\n`));
  let config: C;
  try {
    config = options.loadConfig();
  } catch (error) {
    if (error instanceof AdapterConfigError) {
      console.error(`mymonit-${options.adapter}-adapter: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (options.flags.printConfig) {
    print(JSON.stringify(redactedConfig(config), null, 2));
    return 0;
  }
  const logger = options.logger ?? createLogger(`${options.adapter}-adapter`, config.logLevel);
  const publisher = new MeasurePublisher(publisherOptions(config, options.adapter, logger, { whenFull: options.whenFull ?? 'block' }));
  let job: AdapterJob;
  try {
    job = options.createJob(config, publisher, logger);
  } catch (error) {
    console.error(`mymonit-${options.adapter}-adapter: ${(error as Error).message}`);
    await publisher.close();
    return 2;
  }

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      logger.error('second signal: exiting without waiting for the broker', { signal });
      process.exit(130);
    }
    logger.info('stopping', { signal });
    stop.abort();
  };
  if (!options.stopSignal) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  options.stopSignal?.addEventListener('abort', () => stop.abort(), { once: true });

  let failed = false;
  try {
    void publisher.start();
    await job.start();
    options.onStarted?.(job, publisher);
    const stopped = new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([stopped, job.finished ?? new Promise<void>(() => undefined)]);
  } catch (error) {
    failed = true;
    logger.error('adapter failed', { error: (error as Error).message });
  } finally {
    await job.stop().catch((error: Error) => logger.error('stopping the adapter failed', { error: error.message }));
    const stats: PublisherStats = await publisher.close();
    logger.info('adapter stopped', { ...job.summary(), publisher: stats });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (stats.unconfirmedAtClose > 0) failed = true;
  }
  return failed ? 1 : 0;
}

/** Entry point of an adapter's main.ts: parse argv, run, exit with the status. */
export function main(program: Command): void {
  program.parseAsync(process.argv).then(
    () => undefined,
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
