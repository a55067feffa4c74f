import { inject, injectable, optional } from 'inversify';
import { expandTemplate } from '../../alerting/rules/template';
import type { NotifyAlert } from '../../notify/alert';
import { alertFromTransition } from '../../notify/provider/transition-alert';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import type { NotifyAlertStore } from '../../storage/notify-stores';
import type { AlertOutboxStore } from '../../storage/notify-input-stores';
import type { Transactor } from '../../storage/stores';
import { PeriodicTask } from '../periodic-task';

export interface OutboxReaderOptions {
  /** Pause between passes when the outbox was drained. */
  readonly pollMs: number;
  /** Outbox rows per transaction. */
  readonly batchSize: number;
  /** How often resolved alerts are collected (Alertmanager: every 30 min), and how long after their end they are kept. */
  readonly gcIntervalMs?: number;
  readonly keepResolvedMs?: number;
}

export const DEFAULT_OUTBOX_READER_OPTIONS: OutboxReaderOptions = { pollMs: 250, batchSize: 500, gcIntervalMs: 1_800_000, keepResolvedMs: 86_400_000 };

/**
 * The alerting stage's outbox into the notification stage's alerts (a component of `consume` processes).
 * Each batch is one transaction: claim unconsumed rows (FOR UPDATE SKIP LOCKED, so several processes share
 * the work), convert firing and resolved transitions to alerts (alertFromTransition; pending and inactive
 * ones are consumed without an alert), put them (NotifyAlertStore, merged as Alertmanager merges) and mark
 * the rows consumed. A process killed mid-batch commits nothing: the rows stay unconsumed for the next.
 * It also collects alerts resolved more than `keepResolvedMs` ago (default a day), as Alertmanager's
 * provider collects resolved alerts (it keeps none).
 */
@injectable()
export class OutboxReader {
  private readonly task: PeriodicTask;
  private readonly gc: PeriodicTask;
  private readonly options: OutboxReaderOptions;

  constructor(
    @inject(TYPES.Transactor) private readonly transactor: Transactor,
    @inject(TYPES.AlertOutboxStore) private readonly outbox: AlertOutboxStore,
    @inject(TYPES.NotifyAlertStore) private readonly alerts: NotifyAlertStore,
    @inject(TYPES.Logger) logger: Logger,
    @inject(TYPES.OutboxReaderOptions) @optional() options?: OutboxReaderOptions,
  ) {
    this.options = options ?? DEFAULT_OUTBOX_READER_OPTIONS;
    const log = logger.child({ component: 'notify-outbox' });
    this.task = new PeriodicTask('notify outbox reader', this.options.pollMs, async (signal) => void (await this.drain(signal)), log);
    const keepMs = this.options.keepResolvedMs ?? DEFAULT_OUTBOX_READER_OPTIONS.keepResolvedMs!;
    this.gc = new PeriodicTask(
      'notify alert collection',
      this.options.gcIntervalMs ?? DEFAULT_OUTBOX_READER_OPTIONS.gcIntervalMs!,
      async () => void (await this.alerts.deleteResolvedBefore(Date.now() - keepMs)),
      log,
    );
  }

  start(): void {
    this.task.start();
    this.gc.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.task.stop(), this.gc.stop()]);
  }

  /** Batches until the outbox holds nothing this process can claim; returns how many rows it consumed. */
  async drain(signal?: AbortSignal): Promise<number> {
    let total = 0;
    while (signal?.aborted !== true) {
      const consumed = await this.runBatch();
      total += consumed;
      if (consumed < this.options.batchSize) return total;
    }
    return total;
  }

  /** One transaction: claim, convert, put, mark consumed. Returns how many rows it consumed. */
  runBatch(): Promise<number> {
    return this.transactor.inTransaction(async () => {
      const transitions = await this.outbox.claimPending(this.options.batchSize);
      const alerts = transitions.map((t) => alertFromTransition(t, expandTemplate)).filter((a): a is NotifyAlert => a !== undefined);
      if (alerts.length > 0) await this.alerts.put(alerts);
      await this.outbox.markConsumed(transitions.map((t) => t.outboxId));
      return transitions.length;
    });
  }
}
