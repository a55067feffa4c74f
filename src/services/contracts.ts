import type { StoredAuditEvent } from '../domain/audit-event';
import type { Experiment, ExperimentChanges, NewExperiment } from '../domain/experiment';
import type { Measure, MeasureQuery, Series, StoredMeasure } from '../domain/measure';
import type { Page } from '../domain/page';
import type { RejectedMessage, RejectionReason } from '../domain/rejected-message';
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
  findByUsername(username: string): Promise<User | undefined>;
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
}

export type IngestOutcome =
  | { kind: 'stored'; stored: number; duplicates: number }
  | { kind: 'rejected'; reason: RejectionReason; detail: string; rejectionId: number };

export interface MeasureService {
  /**
   * Stores the measures of one message atomically, or stores the message as rejected when it names an
   * unknown experiment. Resolves only after the commit: the caller may then ack. Throws on storage
   * failure (the caller keeps the message and retries).
   */
  ingest(measures: readonly Measure[], message: ReceivedMessage): Promise<IngestOutcome>;
  /** Stores a message that could not be parsed or validated, with the reason, and its audit event. */
  reject(message: ReceivedMessage, reason: RejectionReason, detail: string): Promise<IngestOutcome>;
  list(actor: User, query: Omit<MeasureQuery, 'after'> & { cursor?: string }): Promise<Page<StoredMeasure>>;
  listSeries(actor: User, experiment: string): Promise<Series[]>;
  listRejected(actor: User, limit: number, cursor?: string, reason?: RejectionReason): Promise<Page<RejectedMessage>>;
  getRejected(actor: User, id: number): Promise<RejectedMessage>;
  discardRejected(actor: User, id: number): Promise<void>;
}

export interface AuditService {
  list(actor: User, query: Omit<AuditQuery, 'afterId'> & { cursor?: string }): Promise<Page<StoredAuditEvent>>;
}

/** HealthCheck is one dependency /health/ready asks; it throws when the dependency does not answer. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}
