import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { MeasurePublisher } from '../../adapters/sdk';
import { runAdapter, type AdapterJob } from '../../adapters/common/cli';
import type { CommonConfig } from '../../adapters/common/config';
import { memoryLogger, type AdapterLogger, type MemoryLogger } from '../../adapters/common/logger';

/** An adapter process, run in the test's process: the same runAdapter() its main.ts calls. */
export interface RunningAdapter<J extends AdapterJob> {
  logger: MemoryLogger;
  /** Resolves once the job started. */
  started: Promise<{ job: J; publisher: MeasurePublisher }>;
  /** The exit status runAdapter() resolved with. */
  exit: Promise<number>;
  /** As SIGTERM: stop, flush, close. */
  stop(): Promise<number>;
  badInput(): Array<{ file?: unknown; line?: unknown; reason?: unknown }>;
}

export function runInProcess<C extends CommonConfig, J extends AdapterJob>(options: {
  adapter: string;
  loadConfig: () => C;
  createJob: (config: C, publisher: MeasurePublisher, logger: AdapterLogger) => J;
  whenFull?: 'block' | 'fail';
}): RunningAdapter<J> {
  const logger = memoryLogger();
  const stop = new AbortController();
  let onStarted!: (value: { job: J; publisher: MeasurePublisher }) => void;
  const started = new Promise<{ job: J; publisher: MeasurePublisher }>((resolve) => (onStarted = resolve));
  const exit = runAdapter({
    adapter: options.adapter,
    flags: {},
    loadConfig: options.loadConfig,
    createJob: options.createJob,
    whenFull: options.whenFull,
    stopSignal: stop.signal,
    logger,
    onStarted: (job, publisher) => onStarted({ job: job as J, publisher }),
  });
  return {
    logger,
    started: Promise.race([started, exit.then((code) => Promise.reject(new Error(`adapter exited with ${code} before starting: ${JSON.stringify(logger.entries)}`)))]),
    exit,
    stop: () => {
      stop.abort();
      return exit;
    },
    badInput: () => logger.entries.filter((e) => e.message.startsWith('bad input at')).map((e) => e.meta ?? {}),
  };
}

/** A temporary directory, and a YAML config file written in it. */
export function tempDir(prefix: string): { dir: string; file(name: string, content: string): string; yaml(name: string, config: unknown): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return {
    dir,
    file(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    yaml(name, config) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, stringify(config));
      return file;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment an adapter gets in a test: the broker's URL and exchange, as RABBIT_* variables. */
export function brokerEnv(broker: { url: string; exchange: string; routingKey: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { RABBIT_URL: broker.url, RABBIT_EXCHANGE: broker.exchange, RABBIT_ROUTING: broker.routingKey, ...extra };
}
