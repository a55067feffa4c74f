import type { NotifyAlert } from '../notify/alert';
import type { Silence } from '../notify/silence/silence';
import type { IntegrationKind } from '../notify/receivers/receiver';

/**
 * The notification stage's storage contracts (issue 13). Each is implemented over MySQL in
 * src/storage/mysql-*.ts and bound in src/container.ts; services import these types only.
 */

/** Which experiments' rows a reader may see: all (ADMIN), or these (a SCIENTIST's associations). */
export type ExperimentScope = { readonly kind: 'all' } | { readonly kind: 'experiments'; readonly experimentIds: readonly number[] };

/**
 * Alerts of the notification stage (MyMONIT's own, converted from the outbox, and posted ones), one row per
 * fingerprint, merged as Alertmanager's provider merges (types.Alert.Merge). Every change gets a new,
 * increasing `seq`: the dispatcher follows the changes with `changedSince`.
 */
export interface NotifyAlertStore {
  /** Merges and stores; returns the alerts as stored (after merge). */
  put(alerts: readonly NotifyAlert[]): Promise<NotifyAlert[]>;
  get(fingerprint: string): Promise<NotifyAlert | undefined>;
  /** Alerts changed after `seq` (ascending), at most `limit`, and the seq of the last one returned. */
  changedSince(seq: number, limit: number): Promise<{ readonly alerts: NotifyAlert[]; readonly seq: number }>;
  /** Every alert not resolved before `resolvedSinceMs` (firing ones and recently resolved), in scope. */
  current(scope: ExperimentScope, resolvedSinceMs: number): Promise<NotifyAlert[]>;
  /** Garbage collection: removes alerts resolved before `ms`; returns how many. */
  deleteResolvedBefore(ms: number): Promise<number>;
}

export interface SilenceStore {
  /** Creates (no id) or replaces (id of a pending/active silence; Alertmanager expires the old one and creates a new id when matchers or start change on an active one). Returns the id. */
  save(silence: Omit<Silence, 'id' | 'updatedAtMs'> & { readonly id?: string }, experimentId: number | undefined, nowMs: number): Promise<string>;
  get(id: string): Promise<(Silence & { readonly experimentId?: number }) | undefined>;
  /** All silences not expired before `expiredSinceMs`, in scope. */
  list(scope: ExperimentScope, expiredSinceMs: number): Promise<Array<Silence & { readonly experimentId?: number }>>;
  /** Sets endsAt to now (an active silence), or startsAt and endsAt to now (a pending one), as Alertmanager; false when already expired / unknown. */
  expire(id: string, nowMs: number): Promise<boolean>;
  /** Version that changes whenever any silence changes: readers cache until it moves. */
  version(): Promise<number>;
}

/** A silence with what the `until_resolved` component remembers of it. */
export type MaintainedSilence = Silence & { readonly experimentId?: number; readonly mutedAtMs?: number };

/**
 * What the silence maintenance (src/services/notify/silence-maintenance.ts) needs beyond SilenceStore:
 * the until_resolved bookkeeping and garbage collection. Implemented by the same MySQL class.
 */
export interface SilenceMaintenanceStore {
  /** Active (at `nowMs`) silences with until_resolved set. */
  activeUntilResolved(nowMs: number): Promise<MaintainedSilence[]>;
  /** Remembers that the silence muted a firing alert at `atMs` (does not change the version: matching is unchanged). */
  markMuted(id: string, atMs: number): Promise<void>;
  /** Ends the silence at `endsAtMs` unless it changed since `updatedAtMs` was read or already ended; true when it ended it. */
  endResolved(id: string, endsAtMs: number, updatedAtMs: number, nowMs: number): Promise<boolean>;
  /** Removes the silences that ended before `ms` (Alertmanager's retention GC); returns how many. */
  deleteEndedBefore(ms: number): Promise<number>;
}

/** Versions of the Alertmanager configuration (PUT /alertmanager/config, the file at start, SIGHUP). */
export interface AlertmanagerConfigStore {
  /** Stores a new version (already validated) and returns its number. */
  append(yaml: string, source: 'api' | 'file', author: string | undefined, nowMs: number): Promise<number>;
  /** The newest version, if any. */
  latest(): Promise<{ readonly version: number; readonly yaml: string; readonly createdAtMs: number } | undefined>;
  /** The newest version that came from the file (source 'file'), if any: a restart re-applies the file only when it changed. */
  latestFromFile(): Promise<{ readonly version: number; readonly yaml: string; readonly createdAtMs: number } | undefined>;
}

export type AttemptStatus = 'sent' | 'failed' | 'retrying';

/** One delivery attempt of one notification to one integration, as GET /notifications lists it. */
export interface NotificationAttempt {
  readonly id: number;
  readonly receiver: string;
  readonly integration: IntegrationKind;
  /** Index of the integration in the receiver's list of that kind. */
  readonly integrationIndex: number;
  readonly groupKey: string;
  readonly attempt: number;
  readonly status: AttemptStatus;
  readonly detail: string;
  readonly firing: number;
  readonly resolved: number;
  readonly atMs: number;
  readonly durationMs: number;
  readonly experimentIds: readonly number[];
}

export interface NotificationAttemptQuery {
  readonly scope: ExperimentScope;
  readonly receiver?: string;
  readonly status?: AttemptStatus;
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Newest first: ids below this one. */
  readonly beforeId?: number;
  readonly limit: number;
}

export interface NotificationAttemptStore {
  record(attempt: Omit<NotificationAttempt, 'id'>): Promise<number>;
  list(query: NotificationAttemptQuery): Promise<NotificationAttempt[]>;
}
