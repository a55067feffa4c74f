import { createWinstonLogger, type WinstonLogger } from '../../../src/logging/winston-logger';
import { startPlatform, type TestPlatform } from '../../support/platform';
import { testConfig } from '../../support/real-services';
import { JsonLinesReceiver } from './json-lines-receiver';
import { LineCapture } from './line-capture';

/**
 * A whole platform (real MariaDB, RabbitMQ, REST) whose logger writes its console lines into a capture
 * and ships to a real json_lines receiver standing in for Logstash: every transport the app has, observed.
 */
export interface LoggedPlatform {
  platform: TestPlatform;
  logger: WinstonLogger;
  console: LineCapture;
  logstash: JsonLinesReceiver;
  /** Every line of every transport, raw. */
  allLines(): string[];
  stop(): Promise<void>;
}

export async function startLoggedPlatform(
  options: { consume?: boolean; capacity?: number; level?: string; env?: Record<string, string> } = {},
): Promise<LoggedPlatform> {
  const logstash = new JsonLinesReceiver();
  await logstash.start();
  const console = new LineCapture();
  const config = testConfig({
    LOGSTASH_HOST: '127.0.0.1',
    LOGSTASH_PORT: String(logstash.port),
    LOG_LEVEL: options.level ?? 'debug',
    SERVICE_INSTANCE: 'logged-test',
  });
  const logger = createWinstonLogger(config, {
    consoleStream: console,
    logstash: { capacity: options.capacity ?? 10_000, maxRetryDelayMs: 200 },
  });
  const platform = await startPlatform({ consume: options.consume, logger, env: options.env });
  return {
    platform,
    logger,
    console,
    logstash,
    allLines: () => [...console.lines, ...logstash.lines],
    async stop() {
      await platform.stop();
      await logger.close(2000);
      await logstash.stop();
    },
  };
}

/** Parsed JSON lines that carry `requestId` equal to `id`. */
export function linesOf(lines: Array<Record<string, unknown>>, id: string): Array<Record<string, unknown>> {
  return lines.filter((line) => line.requestId === id);
}
