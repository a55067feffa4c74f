import { StorageUnavailableError } from '../../src/domain/errors';
import type { Measure } from '../../src/domain/measure';
import type { RejectionReason } from '../../src/domain/rejected-message';
import type { Logger } from '../../src/logging/logger';
import type { BatchOutcome, IngestItem, ItemOutcome, PreparedBatch, ReceivedMessage, Rejected } from '../../src/services/contracts';
import type { MeasureService } from '../../src/services/measure-service';
import { IngestMetrics } from '../../src/metrics/ingest-metrics';
import { MetricsRegistry } from '../../src/metrics/metrics-registry';

/**
 * Fakes shared by the AMQP unit and integration tests. The integration tests use a real broker; the
 * MeasureService is faked there too, because what is under test is the consumer, not MySQL.
 */

export interface LogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: Record<string, unknown>;
}

/** MemoryLogger records entries so that tests can assert what was logged (and what was not). */
export class MemoryLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly base: Record<string, unknown> = {},
  ) {}

  error(message: string, meta: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'error', message, meta: { ...this.base, ...meta } });
  }
  warn(message: string, meta: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'warn', message, meta: { ...this.base, ...meta } });
  }
  info(message: string, meta: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'info', message, meta: { ...this.base, ...meta } });
  }
  debug(message: string, meta: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'debug', message, meta: { ...this.base, ...meta } });
  }
  child(meta: Record<string, unknown>): Logger {
    return new MemoryLogger(this.entries, { ...this.base, ...meta });
  }
}

export interface Rejection {
  message: ReceivedMessage;
  reason: RejectionReason;
  detail: string;
}

/**
 * FakeMeasureService keeps what it is given in memory. `onIngest`/`onReject` run before each call is
 * recorded: throw from them to simulate storage failures (of the whole batch, as a rolled-back transaction
 * would), await in them to simulate slow commits. `unknownExperiments` are rejected as the real service does.
 */
export class FakeMeasureService implements Pick<MeasureService, 'ingestBatch' | 'prepareBatch' | 'commitBatch' | 'reject'> {
  readonly stored: Array<{ measures: readonly Measure[]; message: ReceivedMessage }> = [];
  readonly rejected: Rejection[] = [];
  readonly batches: Array<readonly IngestItem[]> = [];
  readonly unknownExperiments = new Set<string>();
  /** ingestBatch calls, failed ones included. */
  ingestCalls = 0;
  rejectCalls = 0;
  onIngest: ((items: readonly IngestItem[]) => Promise<void> | void) | undefined;
  onReject: ((message: ReceivedMessage, reason: RejectionReason) => Promise<void> | void) | undefined;

  get measures(): Measure[] {
    return this.stored.flatMap((s) => s.measures);
  }

  async prepareBatch(items: readonly IngestItem[]): Promise<PreparedBatch> {
    return { items };
  }

  async commitBatch(prepared: PreparedBatch): Promise<BatchOutcome> {
    return this.ingestBatch(prepared.items);
  }

  async ingestBatch(items: readonly IngestItem[]): Promise<BatchOutcome> {
    this.ingestCalls++;
    await this.onIngest?.(items);
    this.batches.push(items);
    let stored = 0;
    const outcomes = items.map((item): ItemOutcome => {
      if ('measures' in item) {
        const unknown = item.measures.find((m) => this.unknownExperiments.has(m.experiment));
        if (!unknown) {
          this.stored.push({ measures: item.measures, message: item.message });
          stored += item.measures.length;
          return { kind: 'stored', measures: item.measures.length };
        }
        return this.record(item.message, 'unknown-experiment', `unknown experiment: ${unknown.experiment}`);
      }
      return this.record(item.message, item.rejection.reason, item.rejection.detail);
    });
    return { items: outcomes, stored, duplicates: 0 };
  }

  async reject(message: ReceivedMessage, reason: RejectionReason, detail: string): Promise<Rejected> {
    this.rejectCalls++;
    await this.onReject?.(message, reason);
    return this.record(message, reason, detail);
  }

  private record(message: ReceivedMessage, reason: RejectionReason, detail: string) {
    this.rejected.push({ message, reason, detail });
    return {
      kind: 'rejected' as const,
      reason,
      detail,
      rejectionId: this.rejected.length,
      created: true,
      refusedMeasures: [],
      storedMeasures: 0,
    };
  }
}

/** What storage throws when the server is down (mysql2's refusal, translated): worth waiting out. */
export function connectionRefused(): Error {
  const driver = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111 });
  return new StorageUnavailableError(driver.message, { cause: driver, code: driver.code });
}

/** What the server throws when the data itself does not fit: retrying will not help. */
export function dataTooLong(): Error {
  return Object.assign(new Error("Data too long for column 'unit' at row 1"), { code: 'ER_DATA_TOO_LONG', errno: 1406 });
}

export function measure(overrides: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return { experiment: 'EXP-1', metric: 'temperature', value: 21.5, timestamp: 1709296496123, ...overrides };
}

/** Ingest metrics on a registry of their own, as each container has. */
export function ingestMetrics(): IngestMetrics {
  return new IngestMetrics(new MetricsRegistry());
}
