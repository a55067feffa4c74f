import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { sortedLabels } from '../alerting/state/alert-labels';
import type { NotifyAlert } from '../notify/alert';
import { mergeWithStored } from '../notify/provider/merge';
import { TYPES } from '../identifiers';
import { labelsFromJson, labelsToJson } from './alert-codec';
import type { MysqlDatabase } from './mysql-database';
import type { ExperimentScope, NotifyAlertStore } from './notify-stores';

const DELETE_BATCH = 1000;

function alertOf(row: RowDataPacket): NotifyAlert {
  return {
    fingerprint: String(row.fingerprint),
    labels: labelsFromJson(String(row.labels)),
    annotations: labelsFromJson(String(row.annotations)),
    startsAtMs: Number(row.starts_at_ms),
    endsAtMs: Number(row.ends_at_ms),
    endsAtGiven: Boolean(row.ends_given),
    updatedAtMs: Number(row.updated_at_ms),
    generatorURL: String(row.generator_url),
    ...(row.experiment_id === null ? {} : { experimentId: Number(row.experiment_id) }),
    origin: row.origin as NotifyAlert['origin'],
  };
}

/** The scope's condition on `experiment_id`: alerts without an experiment are an ADMIN's only. */
function scopeSql(scope: ExperimentScope, where: string[], params: unknown[]): boolean {
  if (scope.kind === 'all') return true;
  if (scope.experimentIds.length === 0) return false;
  where.push('experiment_id IN (?)');
  params.push(scope.experimentIds);
  return true;
}

/**
 * The notification stage's alerts in MySQL (migration 011): one row per fingerprint, merged on put as
 * Alertmanager's provider merges (src/notify/provider/merge.ts), each change numbered by `seq` in commit
 * order (the counter row is locked until the put's transaction ends).
 */
@injectable()
export class MysqlNotifyAlertStore implements NotifyAlertStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  /** `nowMs`: the instant "resolved" is judged at in the merge (Alertmanager's time.Now()). */
  async put(alerts: readonly NotifyAlert[], nowMs: number = Date.now()): Promise<NotifyAlert[]> {
    if (alerts.length === 0) return [];
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      const [counter] = await executor.query<RowDataPacket[]>('SELECT seq FROM notify_alert_seq WHERE id = 1 FOR UPDATE');
      if (counter.length === 0) throw new Error('notify_alert_seq has no counter row: migration 011 did not run');
      let seq = Number(counter[0]!.seq);
      const fingerprints = [...new Set(alerts.map((alert) => alert.fingerprint))];
      const [rows] = await executor.query<RowDataPacket[]>('SELECT * FROM notify_alerts WHERE fingerprint IN (?) FOR UPDATE', [fingerprints]);
      const current = new Map<string, NotifyAlert>(rows.map((row) => [String(row.fingerprint), alertOf(row)]));
      const changed = new Map<string, { alert: NotifyAlert; seq: number }>();
      const stored: NotifyAlert[] = [];
      for (const alert of alerts) {
        const merged = mergeWithStored(current.get(alert.fingerprint), alert, nowMs);
        current.set(alert.fingerprint, merged);
        seq += 1;
        // A fingerprint put twice in one batch: its last state, under its last seq.
        changed.delete(alert.fingerprint);
        changed.set(alert.fingerprint, { alert: merged, seq });
        stored.push(merged);
      }
      await executor.query(
        `INSERT INTO notify_alerts (fingerprint, labels, annotations, starts_at_ms, ends_at_ms, ends_given, updated_at_ms, generator_url,
           experiment_id, origin, seq) VALUES ?
         ON DUPLICATE KEY UPDATE labels = VALUES(labels), annotations = VALUES(annotations), starts_at_ms = VALUES(starts_at_ms),
           ends_at_ms = VALUES(ends_at_ms), ends_given = VALUES(ends_given), updated_at_ms = VALUES(updated_at_ms),
           generator_url = VALUES(generator_url), experiment_id = VALUES(experiment_id), origin = VALUES(origin), seq = VALUES(seq)`,
        [
          [...changed.values()].map(({ alert, seq: rowSeq }) => [
            alert.fingerprint,
            labelsToJson(sortedLabels(alert.labels)),
            labelsToJson(sortedLabels(alert.annotations)),
            alert.startsAtMs,
            alert.endsAtMs,
            alert.endsAtGiven,
            alert.updatedAtMs,
            alert.generatorURL,
            alert.experimentId ?? null,
            alert.origin,
            rowSeq,
          ]),
        ],
      );
      await executor.query('UPDATE notify_alert_seq SET seq = ? WHERE id = 1', [seq]);
      return stored;
    });
  }

  async get(fingerprint: string): Promise<NotifyAlert | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM notify_alerts WHERE fingerprint = ?', [fingerprint]);
    return rows.length === 0 ? undefined : alertOf(rows[0]!);
  }

  async changedSince(seq: number, limit: number): Promise<{ alerts: NotifyAlert[]; seq: number }> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT * FROM notify_alerts WHERE seq > ? ORDER BY seq LIMIT ?', [seq, Math.max(0, Math.floor(limit))]);
    const last = rows.at(-1);
    return { alerts: rows.map(alertOf), seq: last === undefined ? seq : Number(last.seq) };
  }

  async current(scope: ExperimentScope, resolvedSinceMs: number): Promise<NotifyAlert[]> {
    const where = ['ends_at_ms >= ?'];
    const params: unknown[] = [resolvedSinceMs];
    if (!scopeSql(scope, where, params)) return [];
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT * FROM notify_alerts WHERE ${where.join(' AND ')} ORDER BY fingerprint`, params);
    return rows.map(alertOf);
  }

  async deleteResolvedBefore(ms: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [header] = await this.db
        .executor()
        .query<ResultSetHeader>('DELETE FROM notify_alerts WHERE ends_at_ms < ? ORDER BY ends_at_ms LIMIT ?', [ms, DELETE_BATCH]);
      total += header.affectedRows;
      if (header.affectedRows < DELETE_BATCH) return total;
    }
  }
}
