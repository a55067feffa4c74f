import { inject, injectable, optional } from 'inversify';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import { compileSilence } from '../../notify/silence/silenced-by';
import { decideUntilResolved } from '../../notify/silence/until-resolved';
import type { NotifyAlertStore, SilenceMaintenanceStore } from '../../storage/notify-stores';
import type { Transactor } from '../../storage/stores';
import { AuditTrail } from '../audit-trail';
import { PeriodicTask } from '../periodic-task';
import { SILENCE_RETENTION_MS } from './silence-service';

export interface SilenceMaintenanceOptions {
  /** How often until_resolved silences are checked (and old silences deleted). Default 2 s. */
  readonly intervalMs: number;
}

export interface MaintenancePass {
  readonly ended: readonly string[];
  readonly marked: readonly string[];
  readonly deleted: number;
}

/**
 * Ends `until_resolved` silences once every alert they muted has resolved (decideUntilResolved, over the
 * notification stage's alerts: NotifyAlertStore), and deletes silences that ended more than the retention
 * ago. Several processes may run it at once: ending is conditional on the silence not having changed, so
 * a silence ends (and is audited) once.
 */
@injectable()
export class SilenceMaintenance {
  private readonly task: PeriodicTask;
  private readonly logger: Logger;
  private warnedUnwired = false;

  constructor(
    @inject(TYPES.SilenceMaintenanceStore) private readonly silences: SilenceMaintenanceStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(TYPES.Logger) logger: Logger,
    @inject(TYPES.NotifyAlertStore) @optional() private readonly alerts?: NotifyAlertStore,
    @inject(TYPES.SilenceMaintenanceOptions) @optional() options?: SilenceMaintenanceOptions,
  ) {
    this.logger = logger.child({ component: 'silence-maintenance' });
    this.task = new PeriodicTask('silence maintenance', options?.intervalMs ?? 2000, async () => void (await this.runOnce(Date.now())), this.logger);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async runOnce(nowMs: number): Promise<MaintenancePass> {
    const ended: string[] = [];
    const marked: string[] = [];
    const candidates = await this.silences.activeUntilResolved(nowMs);
    if (candidates.length > 0 && this.alerts === undefined) {
      if (!this.warnedUnwired) this.logger.warn('until_resolved silences are not ended: no NotifyAlertStore is bound');
      this.warnedUnwired = true;
    } else if (candidates.length > 0 && this.alerts !== undefined) {
      const since = Math.min(...candidates.map((s) => s.startsAtMs));
      const alerts = await this.alerts.current({ kind: 'all' }, since);
      for (const silence of candidates) {
        const decision = decideUntilResolved(compileSilence(silence), alerts, silence.mutedAtMs !== undefined, nowMs);
        if (decision.action === 'keep') {
          if (decision.muting && silence.mutedAtMs === undefined) {
            await this.silences.markMuted(silence.id, nowMs);
            marked.push(silence.id);
          }
          continue;
        }
        const done = await this.tx.inTransaction(async () => {
          if (!(await this.silences.endResolved(silence.id, decision.endsAtMs, silence.updatedAtMs, nowMs))) return false;
          await this.audit.record({
            action: 'silence.end-resolved',
            resourceType: 'silence',
            resourceId: silence.id,
            outcome: 'success',
            actor: null,
            detail: { endsAt: new Date(decision.endsAtMs).toISOString() },
          });
          return true;
        });
        if (done) ended.push(silence.id);
      }
    }
    const deleted = await this.silences.deleteEndedBefore(nowMs - SILENCE_RETENTION_MS);
    if (ended.length > 0 || deleted > 0) this.logger.info('silences maintained', { ended: ended.length, deleted });
    return { ended, marked, deleted };
  }
}
