/**
 * The contracts between the parts of the policy stage (issue 15): the ingest of events (REST and AMQP call
 * it), and the reader of the events inside a relative interval (policy change, resume). Implementations are
 * bound in src/container.ts.
 */
import type { EventInput } from '../../policies';

/** A body of events as a client sent it: MonPoly's log text, or the JSON form `[{ts, events: [{pred, args}]}]`. */
export type PolicyEventsBody = { readonly kind: 'log'; readonly text: string } | { readonly kind: 'json'; readonly value: unknown };

export interface PolicyIngestOptions {
  /** The log ends after these time points (MonPoly's end of log): every waiting time point gets its verdict. */
  readonly final: boolean;
  readonly source: 'rest' | 'amqp';
  /** Runs inside the ingest's transaction, after its writes and before its commit (REST audits the call there). */
  readonly beforeCommit?: (result: PolicyIngestResult) => Promise<void>;
  /**
   * The delivery's id (an AMQP message id): recorded in the call's transaction, and a call with an id already
   * recorded for the policy feeds nothing (a redelivery after a commit whose ack was lost).
   */
  readonly deliveryId?: string;
}

export interface PolicyTimePointRejection {
  /** The time point's index in the body, from 0 (undefined when the body could not be split into time points). */
  readonly index?: number;
  readonly ts?: number;
  readonly reason: string;
  /** Its row in policy_rejections. */
  readonly rejectionId: number;
}

export interface PolicyIngestResult {
  readonly accepted: number;
  readonly rejected: readonly PolicyTimePointRejection[];
  /** Verdicts that became final in this call. */
  readonly verdicts: number;
  readonly ended: boolean;
  /** The progress marker after the call: time points processed so far. */
  readonly nextTp: number;
  /** The delivery was ingested before (PolicyIngestOptions.deliveryId): nothing was fed. */
  readonly duplicate?: boolean;
}

/**
 * Feeds time points to a policy's monitor. Each accepted time point's events, the progress marker, the
 * monitor's state and the verdicts are committed together; a refused time point is stored as a rejection with
 * its reason and changes nothing else. Throws NotFoundError for an unknown policy.
 */
export interface PolicyEventIngest {
  ingest(policyId: number, body: PolicyEventsBody, options: PolicyIngestOptions): Promise<PolicyIngestResult>;
}

/** A stored time point as the replay reads it: its index in the policy's trace, timestamp and events. */
export interface StoredTimePoint {
  readonly tp: number;
  readonly ts: number;
  readonly events: readonly EventInput[];
}

/**
 * What a replay loads (a ReplayPlan of src/policies/replay.ts, made for the stored time points before `untilTp`):
 * the time points from the bound (`timePointsFromTs`, `timePointsBack`) up to `untilTp` (exclusive), and per
 * predicate and constant-argument mask only the events from that entry's bound. A bound (fromTs, back) is the
 * time point `back` time points before the first one with a timestamp >= fromTs; fromTs null: time point 0.
 */
export interface PolicyWindowQuery {
  readonly policyId: number;
  readonly untilTp: number;
  readonly timePointsFromTs: number | null;
  /** 0 when absent. */
  readonly timePointsBack?: number;
  readonly predicates: readonly {
    readonly pred: string;
    readonly mask: readonly (string | number | null)[];
    readonly fromTs: number | null;
    /** 0 when absent. */
    readonly back?: number;
  }[];
}

export interface PolicyWindow {
  readonly timePoints: readonly StoredTimePoint[];
  /** Events loaded (inside the window) and events stored for the policy before untilTp. */
  readonly replayedEvents: number;
  readonly storedEvents: number;
}

/** Reads the events inside a window: one indexed query per predicate. `connection` is the caller's transaction. */
export interface PolicyWindowReader {
  read(query: PolicyWindowQuery, connection?: unknown): Promise<PolicyWindow>;
}
