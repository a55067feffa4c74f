import type { Measure } from '../domain/measure';
import type { RefusedMeasure, RejectionReason } from '../domain/rejected-message';

/**
 * The types the entry points (REST resources, the AMQP consumer, the CLI) exchange with the services
 * (src/services/*-service.ts, one class each, bound in src/container.ts), and the ports services need
 * from outside (MessagePublisher, HealthCheck).
 */

/** What the broker delivered, as the consumer hands it to the domain. */
export interface ReceivedMessage {
  body: Buffer;
  messageId: string | null;
  routingKey: string | null;
  contentType: string | null;
  /**
   * The broker delivered it before (its ack was lost). For logs only: a rejection is stored once per
   * message id and body digest whether the broker says so or the publisher sent the message twice.
   */
  redelivered?: boolean;
}

/**
 * `created` false: the rejection of this delivery (same message id and body) was stored before.
 * `refusedMeasures`: measures refused one by one; `storedMeasures`: the others of the message, stored.
 */
export type Rejected = {
  kind: 'rejected';
  reason: RejectionReason;
  detail: string;
  rejectionId: number;
  created: boolean;
  refusedMeasures: readonly RefusedMeasure[];
  storedMeasures: number;
};

export type IngestOutcome = { kind: 'stored'; stored: number; duplicates: number } | Rejected;

/**
 * One message of a batch as the consumer parsed it: its measures, or why it cannot be stored. `refused`:
 * items of the message the schema refused one by one (`positions` then gives the index in the message of
 * each measure kept).
 */
export type IngestItem =
  | {
      message: ReceivedMessage;
      measures: readonly Measure[];
      refused?: { positions: readonly number[]; refused: readonly RefusedMeasure[] };
    }
  | { message: ReceivedMessage; rejection: { reason: RejectionReason; detail: string } };

/** What became of one message of a batch. */
export type ItemOutcome = { kind: 'stored'; measures: number } | Rejected;

/** A batch made ready for its commit by MeasureService.prepareBatch; opaque to the consumer. */
export interface PreparedBatch {
  readonly items: readonly IngestItem[];
}

/** What a committed batch did: one outcome per item, in order, and the row counts of the whole batch. */
export interface BatchOutcome {
  items: ItemOutcome[];
  stored: number;
  duplicates: number;
}

/** Filters of the rejected-message list: by reason, and by arrival time (from inclusive, to exclusive). */
export interface RejectedQuery {
  limit: number;
  cursor?: string;
  reason?: RejectionReason;
  from?: Date;
  to?: Date;
}

export interface ReplayedMessage {
  /** The rejected message that was replayed (and is now gone from the list). */
  id: number;
  /** The message id the body was published with again. */
  messageId: string;
}

/** The way a replayed message goes back to the broker: published with confirms, resolved once the broker has it. */
export interface MessagePublisher {
  /** `routingKey`: the one the message was delivered with; a policy events message goes back to the policy events queue. */
  publish(body: Buffer, properties: { messageId: string; contentType: string | null; replayOf: number; routingKey?: string | null }): Promise<void>;
}

/** HealthCheck is one dependency /health/ready asks; it throws when the dependency does not answer. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

/**
 * Measures a batch committed, as the port hands them to later stages (the rule evaluator). `exact`:
 * `measures` are exactly the rows stored. A batch that mixed new rows with duplicates (a redelivery beside
 * new data) cannot tell which rows were new without another query: all its rows are passed, `exact` false.
 * A batch of duplicates only is not passed at all.
 */
export interface CommittedMeasures {
  readonly measures: readonly Measure[];
  readonly exact: boolean;
}

/**
 * Called after the commit, never inside the consumer's transaction; must return at once (queue the work)
 * and never throw: a listener's failure must not fail an ingest that has already committed.
 */
export interface CommittedMeasuresListener {
  committed(batch: CommittedMeasures): void;
}
