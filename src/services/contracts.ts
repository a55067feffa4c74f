import type { StoredAuditEvent } from '../domain/audit-event';
import type { Experiment, ExperimentChanges, NewExperiment } from '../domain/experiment';
import type { Measure } from '../domain/measure';
import type { Page } from '../domain/page';
import type { RefusedMeasure, RejectedMessage, RejectionReason } from '../domain/rejected-message';
import type { NewUser, User, UserChanges } from '../domain/user';
import type { AuditQuery } from '../storage/stores';

/**
 * What the entry points (REST resources, the AMQP consumer, the CLI) may ask of the domain. Every method
 * that acts for a person takes the acting User first and applies the authorization matrix itself.
 */
export interface UserService {
  /** Maps a verified identity to its user; undefined when no active user has that username. */
  authenticate(username: string): Promise<User | undefined>;
  create(actor: User, user: NewUser): Promise<User>;
  /** Bootstraps a user without an acting admin (the CLI's `mymonit user create`). */
  createFromCli(user: NewUser): Promise<User>;
  list(actor: User, limit: number, cursor?: string): Promise<Page<User>>;
  get(actor: User, id: number): Promise<User>;
  update(actor: User, id: number, changes: UserChanges): Promise<User>;
  erase(actor: User, id: number): Promise<void>;
}

export interface ExperimentService {
  create(actor: User, experiment: NewExperiment): Promise<Experiment>;
  list(actor: User, limit: number, cursor?: string): Promise<Page<Experiment>>;
  /** NotFoundError when it does not exist or the actor may not see it. */
  get(actor: User, code: string): Promise<Experiment>;
  update(actor: User, code: string, changes: ExperimentChanges): Promise<Experiment>;
  delete(actor: User, code: string): Promise<void>;
  associate(actor: User, code: string, userId: number): Promise<void>;
  dissociate(actor: User, code: string, userId: number): Promise<void>;
  listAssociatedUsers(actor: User, code: string): Promise<User[]>;
}

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

export interface MeasureService {
  /**
   * Stores a batch of messages in one transaction: the valid measures of every message, and a rejection
   * (with its audit event) for every message that is invalid or has measures refused (unknown experiment,
   * schema), one per delivery (message id and body digest), so that one bad measure never holds back the rest. Resolves only after the commit: the caller may then ack them
   * all. Throws on storage failure, having stored nothing (the caller keeps the messages and retries, or
   * splits the batch to isolate a message whose data storage refuses).
   */
  ingestBatch(items: readonly IngestItem[]): Promise<BatchOutcome>;
  /**
   * ingestBatch in two steps, so that the consumer can prepare a batch while the previous one commits:
   * prepareBatch does the lookups and the CPU work outside any transaction (it writes nothing);
   * commitBatch runs the transaction. A prepared batch may be committed again after a failed commit.
   */
  prepareBatch(items: readonly IngestItem[]): Promise<PreparedBatch>;
  commitBatch(prepared: PreparedBatch): Promise<BatchOutcome>;
  /** Stores a message that could not be parsed or validated, with the reason, and its audit event. */
  reject(message: ReceivedMessage, reason: RejectionReason, detail: string): Promise<IngestOutcome>;
  listRejected(actor: User, query: RejectedQuery): Promise<Page<RejectedMessage>>;
  getRejected(actor: User, id: number): Promise<RejectedMessage>;
  discardRejected(actor: User, id: number): Promise<void>;
  /**
   * Publishes a rejected message's body again to the measures exchange (say, once its experiment exists)
   * and removes it from the rejected messages; the consumer then stores it, or rejects it anew.
   */
  replayRejected(actor: User, id: number): Promise<ReplayedMessage>;
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
  publish(body: Buffer, properties: { messageId: string; contentType: string | null; replayOf: number }): Promise<void>;
}

export interface AuditService {
  list(actor: User, query: Omit<AuditQuery, 'afterId'> & { cursor?: string }): Promise<Page<StoredAuditEvent>>;
}

/** HealthCheck is one dependency /health/ready asks; it throws when the dependency does not answer. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}
