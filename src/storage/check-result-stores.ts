/**
 * The storage contract of check results (issue 14, migration 015's check_results): one row per (check, host,
 * slot), written once, read back for classification, REST and health.
 */
import type { Severity } from '../alerting/rules/rule';
import type { CheckOutcomeName } from '../checks/model';
import type { JsonValue, RecordedResult } from '../checks/ports';

/** A result to store, as the recorder has classified and cleaned it (finite numbers, bounded text). */
export interface NewCheckResult {
  readonly checkId: number;
  readonly hostId: number;
  readonly experimentId: number;
  readonly slotMs: number;
  readonly startedAtMs?: number;
  readonly durationMs?: number;
  readonly outcome: CheckOutcomeName;
  readonly value?: number;
  readonly message: string;
  readonly severity: Severity;
  readonly reason?: string;
  readonly details?: JsonValue;
  readonly fencingToken: number;
}

/** What a classifier sees of one earlier result: Prophasis's value and message. */
export interface ResultReading {
  readonly value: number;
  readonly message: string;
}

/** A check as the recorder needs it: its classifier text (the alerting codec's JSON) at a version. */
export interface CheckClassifierRow {
  readonly checkId: number;
  readonly version: number;
  /** NULL in checks.classifier: none. */
  readonly classifier: string | null;
}

/** Which experiment a check or a host belongs to, and its name (REST visibility, listings). */
export interface OwnedRow {
  readonly id: number;
  readonly experimentId: number;
  readonly name: string;
}

/** Results of one check, newest slot first; `before` is the keyset cursor (slot, id) of the last row seen. */
export interface CheckResultQuery {
  readonly checkId: number;
  readonly hostId?: number;
  /** slot_ms >= fromMs */
  readonly fromMs?: number;
  /** slot_ms < toMs */
  readonly toMs?: number;
  readonly before?: { readonly slotMs: number; readonly id: number };
  readonly limit: number;
}

/** A result listed for a host: which check it belongs to, by name. */
export interface HostCheckResult extends RecordedResult {
  readonly checkName: string;
}

export interface CheckResultStore {
  /**
   * Inserts the result unless its (check, host, slot) is stored already: then that first row, `created`
   * false, and nothing written. Inside the caller's transaction; the duplicate is read with a locking read,
   * so a result a concurrent transaction committed meanwhile is seen.
   */
  insertOnce(result: NewCheckResult): Promise<{ result: RecordedResult; created: boolean }>;
  /** The stored result of a slot, if any (a locking read inside a transaction). */
  findSlot(checkId: number, hostId: number, slotMs: number): Promise<RecordedResult | undefined>;
  /** The last `count` results of (check, host) with a value, of slots before `beforeSlotMs`, oldest first. */
  readings(checkId: number, hostId: number, beforeSlotMs: number, count: number): Promise<ResultReading[]>;
  list(query: CheckResultQuery): Promise<RecordedResult[]>;
  /** The latest result (by slot) of each check currently assigned to the host (directly or by a host group). */
  latestOfHost(hostId: number): Promise<HostCheckResult[]>;
  classifierOf(checkId: number): Promise<CheckClassifierRow | undefined>;
  checkById(checkId: number): Promise<OwnedRow | undefined>;
  hostById(hostId: number): Promise<OwnedRow | undefined>;
}
