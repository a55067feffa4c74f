import type { OutboxTransition } from '../notify/provider/transition-alert';

/**
 * The alerting stage's outbox as the notification stage consumes it (alert_outbox, migration 008). Both
 * methods run inside the caller's transaction: the claimed rows stay locked until it ends, and the rows
 * marked consumed are consumed only if it commits.
 */
export interface AlertOutboxStore {
  /**
   * Locks up to `limit` unconsumed rows, oldest first, skipping rows another consumer holds (FOR UPDATE
   * SKIP LOCKED), and returns their transitions in outbox order. Rows whose alert (fingerprint) has an
   * older unconsumed row held by another consumer are left out: that alert's transitions are applied in
   * order, by whoever holds the older one first.
   */
  claimPending(limit: number): Promise<OutboxTransition[]>;
  /** Sets consumed_at on these outbox rows. */
  markConsumed(outboxIds: readonly number[]): Promise<void>;
  /** How many rows wait (for metrics and tests). */
  pendingCount(): Promise<number>;
}
