import { randomUUID } from 'node:crypto';
import { inject, injectable, multiInject, optional } from 'inversify';
import type { Config } from '../config';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Measure } from '../domain/measure';
import type { Page } from '../domain/page';
import type { RefusedMeasure, RejectedMessage, RejectionReason } from '../domain/rejected-message';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type {
  ExperimentStore,
  MeasureRow,
  MeasureStore,
  PreparedMeasures,
  RejectedMessageStore,
  Transactor,
} from '../storage/stores';
import { AuditTrail } from './audit-trail';
import { ExperimentIdCache } from './experiment-id-cache';
import type {
  BatchOutcome,
  CommittedMeasuresListener,
  IngestItem,
  ItemOutcome,
  MessagePublisher,
  PreparedBatch,
  ReceivedMessage,
  Rejected,
  RejectedQuery,
  ReplayedMessage,
} from './contracts';
import { requireAdmin } from './authorization';
import { afterIdFromCursor, pageById } from './pagination';
import { keptBody, perMeasureDetail, refusedItems } from './rejected-body';

/**
 * MeasureService stores what the consumer delivers (measures, or the message and why it was rejected)
 * and serves measures to the people allowed to read them.
 *
 * The measures a commit stored reach the CommittedMeasuresListeners bound in the container (the rule
 * evaluator): after the commit, never inside the consumer's transaction.
 */
@injectable()
export class MeasureService {
  private readonly experimentIds = new ExperimentIdCache();

  constructor(
    @inject(TYPES.MeasureStore) private readonly measures: MeasureStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.RejectedMessageStore) private readonly rejected: RejectedMessageStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(TYPES.MessagePublisher) private readonly publisher: MessagePublisher,
    @inject(TYPES.Config) private readonly config: Config,
    @multiInject(TYPES.CommittedMeasuresListener)
    @optional()
    private readonly listeners: readonly CommittedMeasuresListener[] = [],
  ) {}

  /**
   * Stores a batch of messages in one transaction: the valid measures of every message, and a rejected
   * message (with its audit event) for every message that is invalid or has measures refused (unknown
   * experiment, schema), one per delivery (message id and body digest), so that one bad measure never holds
   * back the rest. Resolves only after the commit: the caller may then ack them all. Throws on storage
   * failure, having stored nothing (the caller keeps the messages and retries, or splits the batch to
   * isolate a message whose data storage refuses).
   */
  async ingestBatch(items: readonly IngestItem[]): Promise<BatchOutcome> {
    return this.commitBatch(await this.prepareBatch(items));
  }

  /**
   * ingestBatch in two steps, so that the consumer can prepare a batch while the previous one commits:
   * prepareBatch does the lookups and the CPU work outside any transaction (it writes nothing);
   * commitBatch runs the transaction. A prepared batch may be committed again after a failed commit.
   */
  async prepareBatch(items: readonly IngestItem[]): Promise<PreparedBatch> {
    const decisions = await this.decide(items);
    const rows: MeasureRow[] = [];
    for (const decision of decisions) if (decision.rows) for (const row of decision.rows) rows.push(row);
    const prepared: ServicePreparedBatch = { items, decisions, rows, measures: this.measures.prepare(rows) };
    return prepared;
  }

  async commitBatch(batch: PreparedBatch): Promise<BatchOutcome> {
    try {
      return await this.commitPrepared(batch as ServicePreparedBatch);
    } catch (error) {
      // An experiment of the batch was deleted after its id was cached: decide again from what MySQL says.
      if (!(error instanceof NotFoundError)) throw error;
      this.experimentIds.clear();
      return this.commitPrepared((await this.prepareBatch(batch.items)) as ServicePreparedBatch);
    }
  }

  private async commitPrepared(batch: ServicePreparedBatch): Promise<BatchOutcome> {
    const { decisions, rows, measures } = batch;
    const { result, outcomes } = await this.tx.inTransaction(async () => {
      const result = await this.measures.storePrepared(measures);
      const outcomes: ItemOutcome[] = [];
      for (const decision of decisions) {
        const [firstRefused] = decision.refused?.refused ?? [];
        if (decision.reason !== undefined) {
          outcomes.push(await this.storeRejection(decision.message, decision.reason, decision.detail));
        } else if (decision.refused !== undefined && firstRefused !== undefined) {
          const { refused, detail, body } = decision.refused;
          const perMeasure = { refused, stored: decision.rows.length, body };
          outcomes.push(await this.storeRejection(decision.message, firstRefused.reason, detail, perMeasure));
        } else {
          outcomes.push({ kind: 'stored', measures: decision.rows.length });
        }
      }
      return { result, outcomes };
    }, { bulkWrite: true });
    if (result.stored > 0) this.committed(rows, result.duplicates === 0);
    return { items: outcomes, ...result };
  }

  /** Stores a message that could not be parsed or validated, with the reason, and its audit event. */
  async reject(message: ReceivedMessage, reason: RejectionReason, detail: string): Promise<Rejected> {
    return this.tx.inTransaction(() => this.storeRejection(message, reason, detail));
  }

  /**
   * Which measures of a batch are stored and which refused. Experiments are resolved once per batch; a
   * measure naming an unknown one is refused alone: the other measures of its message are stored.
   */
  private async decide(items: readonly IngestItem[]): Promise<Decision[]> {
    const codes = new Set<string>();
    for (const item of items) if ('measures' in item) for (const m of item.measures) codes.add(m.experiment);
    const ids = await this.experimentIds.idsOf(codes, (missing) => this.experiments.idsByCode(missing));
    return items.map((item): Decision => {
      if (!('measures' in item)) return { message: item.message, ...item.rejection };
      const positions = item.refused?.positions;
      const rows: MeasureRow[] = [];
      let unknown: RefusedMeasure[] | undefined;
      item.measures.forEach((m, i) => {
        const experimentId = ids.get(m.experiment);
        if (experimentId === undefined) {
          const index = positions?.[i] ?? i;
          (unknown ??= []).push({ index, reason: 'unknown-experiment', detail: `unknown experiment: ${m.experiment}` });
          return;
        }
        // Spelled out rather than spread: one object shape for every row, which keeps this loop fast.
        rows.push({
          experiment: m.experiment,
          experimentId,
          metric: m.metric,
          source: m.source,
          unit: m.unit,
          tags: m.tags,
          timestampUs: m.timestampUs,
          value: m.value,
        });
      });
      const bySchema = item.refused?.refused ?? [];
      if (unknown === undefined && bySchema.length === 0) return { message: item.message, rows };
      const refused = [...bySchema, ...(unknown ?? [])].sort((a, b) => a.index - b.index);
      // Nothing of the message stored: it is kept whole; else only the refused measures are, so that a
      // replay sends them alone. Written here, before the transaction.
      const body = rows.length === 0 ? undefined : refusedItems(item.message.body, refused);
      return { message: item.message, rows, refused: { refused, detail: perMeasureDetail(refused, rows.length), body } };
    });
  }

  /** Inside the caller's transaction: the rejection and its audit event commit together, or not at all. */
  private async storeRejection(
    message: ReceivedMessage,
    reason: RejectionReason,
    detail: string,
    perMeasure?: { refused: readonly RefusedMeasure[]; stored: number; body: Buffer | undefined },
  ): Promise<Rejected> {
    const kept = keptBody(message.body, this.config.rabbit);
    const { id, created } = await this.rejected.record({
      reason,
      detail,
      messageId: message.messageId,
      routingKey: message.routingKey,
      contentType: message.contentType,
      body: perMeasure?.body ?? kept.body,
      bodyTruncated: perMeasure?.body === undefined && kept.truncated,
      bodySha256: kept.sha256,
      partial: perMeasure?.body !== undefined,
      refusedMeasures: perMeasure ? [...perMeasure.refused] : null,
    });
    const refusedMeasures = perMeasure?.refused ?? [];
    const storedMeasures = perMeasure?.stored ?? 0;
    // The same delivery again (a redelivery, or the same message published twice): the first record stands.
    if (!created) return { kind: 'rejected', reason, detail, rejectionId: id, created, refusedMeasures, storedMeasures };
    await this.audit.record({
      actor: null,
      action: 'message.reject',
      resourceType: 'rejected-message',
      resourceId: String(id),
      outcome: 'failure',
      detail: perMeasure
        ? { reason, messageId: message.messageId, refusedMeasures: refusedMeasures.length, storedMeasures }
        : { reason, messageId: message.messageId },
    });
    return { kind: 'rejected', reason, detail, rejectionId: id, created, refusedMeasures, storedMeasures };
  }

  private committed(measures: readonly Measure[], exact: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener.committed({ measures, exact });
      } catch {
        // The contract says listeners never throw; one that does must not turn a committed batch into a failure.
      }
    }
  }

  async listRejected(actor: User, query: RejectedQuery): Promise<Page<RejectedMessage>> {
    requireAdmin(actor, 'read rejected messages');
    const rows = await this.rejected.list({
      afterId: afterIdFromCursor(query.cursor),
      limit: query.limit + 1,
      reason: query.reason,
      from: query.from,
      to: query.to,
    });
    return pageById(rows, query.limit);
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

  /**
   * Publishes a rejected message's body again to the measures exchange (say, once its experiment exists)
   * and removes it from the rejected messages; the consumer then stores it, or rejects it anew.
   */
  async replayRejected(actor: User, id: number): Promise<ReplayedMessage> {
    requireAdmin(actor, 'replay rejected messages');
    // The row stays locked until the commit: a second replay of the same message waits, then finds it gone.
    return this.tx.inTransaction(async () => {
      const rejected = await this.rejected.findForUpdate(id);
      if (!rejected) throw new NotFoundError(`rejected message ${id} not found`);
      if (rejected.bodyTruncated) {
        throw new ConflictError(`rejected message ${id} was stored truncated; its body cannot be replayed`);
      }
      const messageId = rejected.messageId ?? `replay-${id}-${randomUUID()}`;
      // Published before the commit: if the broker refuses it, the rejection stays (rolled back), nothing is lost.
      // If the commit fails after the publish, the worst case is a second replay, which storage deduplicates.
      await this.publisher.publish(rejected.body, {
        messageId,
        contentType: rejected.contentType,
        replayOf: id,
        routingKey: rejected.routingKey,
      });
      await this.rejected.delete(id);
      await this.audit.record({
        action: 'message.replay',
        resourceType: 'rejected-message',
        resourceId: String(id),
        outcome: 'success',
        detail: { reason: rejected.reason, messageId },
      });
      return { id, messageId };
    });
  }
}

/** What prepareBatch hands the consumer, and commitBatch gets back. */
interface ServicePreparedBatch extends PreparedBatch {
  decisions: Decision[];
  rows: MeasureRow[];
  measures: PreparedMeasures;
}

/** The measures of a message refused one by one, and what its rejection keeps of them. */
interface Refusals {
  refused: RefusedMeasure[];
  detail: string;
  /** The refused measures alone, when the others are stored; undefined: the message is kept whole. */
  body: Buffer | undefined;
}

/** A message stored (maybe with measures refused one by one), or rejected whole before any lookup. */
type Decision =
  | { message: ReceivedMessage; rows: MeasureRow[]; refused?: Refusals; reason?: undefined; detail?: undefined }
  | { message: ReceivedMessage; rows?: undefined; refused?: undefined; reason: RejectionReason; detail: string };
