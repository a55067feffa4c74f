import type { LabelSet, NotifyAlert } from '../notify/alert';
import type { GroupSchedule, IntegrationRef, NflogEntry } from '../notify/dispatch/aggregation-group';

/**
 * Storage contracts of the dispatcher (issue 13): aggregation groups with their alerts and flush leases,
 * the notification log, and the ingest cursor. Implemented over MySQL in mysql-notify-dispatch-store.ts.
 */

/** Which group: the route it belongs to and its group key (route key and group labels). */
export interface GroupIdentity {
  readonly routeId: string;
  readonly groupKey: string;
}

export interface StoredGroup extends GroupIdentity, GroupSchedule {
  readonly id: number;
  readonly receiver: string;
  readonly labels: LabelSet;
  readonly configVersion: number;
  readonly createdAtMs: number;
}

/** A group this process holds the flush lease of. */
export interface ClaimedGroup extends StoredGroup {
  readonly holder: string;
  readonly fencingToken: number;
}

export interface DispatchCursor {
  /** The last NotifyAlertStore seq ingested into groups. */
  readonly alertSeq: number;
  /** The configuration version the groups were built for. */
  readonly configVersion: number;
}

export interface NotifyGroupStore {
  /** Locks the ingest cursor (in the ambient transaction); undefined when another process holds it. */
  lockCursor(): Promise<DispatchCursor | undefined>;
  saveCursor(cursor: DispatchCursor): Promise<void>;
  /** The groups with these identities, locked (in the ambient transaction), by `${routeId}\n${groupKey}`. */
  lockGroups(identities: readonly GroupIdentity[]): Promise<Map<string, StoredGroup>>;
  /** Creates a group (unleased); returns its id. */
  insertGroup(group: Omit<StoredGroup, 'id'>): Promise<number>;
  setSchedule(groupId: number, schedule: GroupSchedule): Promise<void>;
  /** Stores the group's copy of each alert (insert or replace). */
  putGroupAlerts(rows: ReadonlyArray<{ readonly groupId: number; readonly alert: NotifyAlert }>): Promise<void>;
  groupAlerts(groupId: number): Promise<NotifyAlert[]>;
  /** Removes every group (a new configuration: groups are rebuilt from the alerts). */
  deleteAllGroups(): Promise<void>;
  /** Removes groups without alerts whose lease is free; returns how many. */
  deleteEmptyGroups(): Promise<number>;
  /**
   * Takes the flush lease of up to `limit` groups of this configuration due at `nowMs` whose lease is free
   * (expired), incrementing each one's fencing token. Groups another process is taking are skipped.
   */
  claimDue(holder: string, configVersion: number, nowMs: number, leaseMs: number, limit: number): Promise<ClaimedGroup[]>;
  /** The earliest next flush of this configuration's groups, if any. */
  nextDueMs(configVersion: number): Promise<number | undefined>;
  /** Extends a held lease; false when the lease is no longer this holder's with this token. */
  renewLease(groupId: number, holder: string, fencingToken: number, leaseMs: number): Promise<boolean>;
  /**
   * Ends a flush, if the lease is still this holder's with this token: stores the schedule, removes the
   * resolved alerts that were sent unless they changed since (updatedAtMs differs), and frees the lease.
   * False (nothing written) when the lease was lost.
   */
  finishFlush(
    claimed: Pick<ClaimedGroup, 'id' | 'holder' | 'fencingToken'>,
    schedule: GroupSchedule,
    flushedAtMs: number,
    removeResolved: ReadonlyArray<Pick<NotifyAlert, 'fingerprint' | 'updatedAtMs'>>,
  ): Promise<boolean>;
  /** Frees a lease without flushing (the flush could not start); false when it was no longer held. */
  release(claimed: Pick<ClaimedGroup, 'id' | 'holder' | 'fencingToken'>): Promise<boolean>;
  /** Frees every lease of this holder (shutdown): others take its groups at once. */
  releaseAll(holder: string): Promise<void>;
}

export interface NotificationLogStore {
  /** The entries of a group key for a receiver's integrations, by `${kind}:${index}`. */
  entries(groupKey: string, receiver: string): Promise<Map<string, NflogEntry>>;
  /** Stores an entry unless a newer one (sent later) is there. */
  log(groupKey: string, receiver: string, integration: IntegrationRef, entry: NflogEntry, fencingToken: number): Promise<void>;
  deleteExpired(nowMs: number): Promise<number>;
}
