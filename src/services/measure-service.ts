import { inject, injectable } from 'inversify';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { Measure, MeasureCursor, MeasureQuery, Series, StoredMeasure } from '../domain/measure';
import { decodeCursor, encodeCursor, type Page } from '../domain/page';
import type { RejectedMessage, RejectionReason } from '../domain/rejected-message';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { ExperimentStore, MeasureStore, RejectedMessageStore, Transactor } from '../storage/stores';
import { AuditTrail } from './audit-trail';
import type { IngestOutcome, MeasureService, ReceivedMessage } from './contracts';
import { ExperimentVisibility, requireAdmin } from './experiment-visibility';
import { afterIdFromCursor, pageById } from './pagination';

/** What storage keeps of a rejected body: enough to inspect and replay, bounded so one message cannot fill MySQL. */
const MAX_STORED_BODY_BYTES = 4 * 1024 * 1024;

/**
 * MeasureServiceImpl stores what the consumer delivers (measures, or the message and why it was rejected)
 * and serves measures to the people allowed to read them.
 *
 * `committed` is the seam where later stages (alert rules) will see measures: it runs after the commit,
 * never inside the consumer.
 */
@injectable()
export class MeasureServiceImpl implements MeasureService {
  constructor(
    @inject(TYPES.MeasureStore) private readonly measures: MeasureStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.RejectedMessageStore) private readonly rejected: RejectedMessageStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
  ) {}

  async ingest(measures: readonly Measure[], message: ReceivedMessage): Promise<IngestOutcome> {
    const codes = [...new Set(measures.map((m) => m.experiment))];
    const ids = await this.experiments.idsByCode(codes);
    const unknown = codes.filter((code) => !ids.has(code));
    if (unknown.length > 0) {
      return this.reject(message, 'unknown-experiment', `unknown experiment: ${unknown.slice(0, 5).join(', ')}`);
    }
    const rows = measures.map((m) => ({ ...m, experimentId: ids.get(m.experiment) as number }));
    const result = await this.tx.inTransaction(() => this.measures.store(rows));
    this.committed(measures);
    return { kind: 'stored', ...result };
  }

  async reject(message: ReceivedMessage, reason: RejectionReason, detail: string): Promise<IngestOutcome> {
    const truncated = message.body.length > MAX_STORED_BODY_BYTES;
    const stored = await this.tx.inTransaction(async () => {
      const row = await this.rejected.insert({
        reason,
        detail,
        messageId: message.messageId,
        routingKey: message.routingKey,
        contentType: message.contentType,
        body: truncated ? message.body.subarray(0, MAX_STORED_BODY_BYTES) : message.body,
        bodyTruncated: truncated,
      });
      await this.audit.record({
        actor: null,
        action: 'message.reject',
        resourceType: 'rejected-message',
        resourceId: String(row.id),
        outcome: 'failure',
        detail: { reason, messageId: message.messageId },
      });
      return row;
    });
    return { kind: 'rejected', reason, detail, rejectionId: stored.id };
  }

  /** The seam for what must see committed measures (alerting, later); nothing listens yet. */
  protected committed(_measures: readonly Measure[]): void {}

  async list(actor: User, query: Omit<MeasureQuery, 'after'> & { cursor?: string }): Promise<Page<StoredMeasure>> {
    const experiment = await this.visibility.visible(actor, query.experiment);
    const rows = await this.measures.query(experiment.id, {
      metric: query.metric,
      source: query.source,
      fromUs: query.fromUs,
      toUs: query.toUs,
      limit: query.limit + 1,
      after: measureCursor(query.cursor),
    });
    if (rows.length <= query.limit) return { items: rows };
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, next: encodeCursor({ t: last.timestampUs, s: last.seriesId }) };
  }

  async listSeries(actor: User, code: string): Promise<Series[]> {
    const experiment = await this.visibility.visible(actor, code);
    return this.measures.listSeries(experiment.id);
  }

  async listRejected(
    actor: User,
    limit: number,
    cursor?: string,
    reason?: RejectionReason,
  ): Promise<Page<RejectedMessage>> {
    requireAdmin(actor, 'read rejected messages');
    const rows = await this.rejected.list({ afterId: afterIdFromCursor(cursor), limit: limit + 1, reason });
    return pageById(rows, limit);
  }

  async getRejected(actor: User, id: number): Promise<RejectedMessage> {
    requireAdmin(actor, 'read rejected messages');
    const message = await this.rejected.findById(id);
    if (!message) throw new NotFoundError(`rejected message ${id} not found`);
    return message;
  }

  async discardRejected(actor: User, id: number): Promise<void> {
    requireAdmin(actor, 'discard rejected messages');
    await this.tx.inTransaction(async () => {
      if (!(await this.rejected.delete(id))) throw new NotFoundError(`rejected message ${id} not found`);
      await this.audit.record({
        action: 'message.discard',
        resourceType: 'rejected-message',
        resourceId: String(id),
        outcome: 'success',
      });
    });
  }
}

function measureCursor(cursor: string | undefined): MeasureCursor | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor) as { t?: unknown; s?: unknown } | undefined;
  if (!key || !Number.isSafeInteger(key.t) || !Number.isSafeInteger(key.s)) {
    throw new ValidationError('cursor is not one this API issued');
  }
  return { timestampUs: key.t as number, seriesId: key.s as number };
}
