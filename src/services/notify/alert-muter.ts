import type { NotifyAlert } from '../../notify/alert';
import { Inhibitor } from '../../notify/inhibit/inhibit';
import { silencedBy } from '../../notify/silence/silenced-by';
import type { NotifyAlertStore } from '../../storage/notify-stores';
import type { NotifyConfigProvider } from './ports';
import type { SilenceIndex } from './silence-index';

/**
 * Which alerts a flush leaves out: silenced ones (SilenceStage) and inhibited ones (InhibitStage). The
 * dispatcher prepares one predicate per round of flushes, at the round's time.
 */
export interface AlertMuter {
  prepare(nowMs: number): Promise<(alert: NotifyAlert) => boolean>;
}

/**
 * Silences (SilenceStage: `silencedBy` over the SilenceIndex, compiled once per silence version) and
 * inhibition (InhibitStage: an Inhibitor built over the alerts known at the round's time).
 */
export class SilencingAlertMuter implements AlertMuter {
  constructor(
    private readonly config: NotifyConfigProvider,
    private readonly silences: SilenceIndex,
    private readonly alerts?: NotifyAlertStore,
  ) {}

  async prepare(nowMs: number): Promise<(alert: NotifyAlert) => boolean> {
    const silences = await this.silences.current(nowMs);
    const rules = this.config.current().inhibitRules;
    const inhibitor = rules.length > 0 && this.alerts ? new Inhibitor(rules, await this.alerts.current({ kind: 'all' }, nowMs), nowMs) : undefined;
    return (alert) => silencedBy(silences, alert.labels, nowMs).length > 0 || inhibitor?.mutes(alert.labels) === true;
  }
}
