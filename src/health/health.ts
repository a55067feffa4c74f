/**
 * Health, as Prophasis defines it (thesis 3.2.4 and table 3.1). Pure types; the computation is in
 * src/health/compute.ts.
 */

/** Least severe first: Prophasis's table 3.1 (no data < ok < unknown < degraded < minor < major < critical). */
export const HEALTH_STATES = ['no_data', 'ok', 'unknown', 'degraded', 'minor', 'major', 'critical'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export type HealthSubject =
  | { readonly kind: 'service'; readonly id: number; readonly name: string }
  | { readonly kind: 'redundancy_group'; readonly id: number; readonly name: string }
  | { readonly kind: 'host'; readonly id: number; readonly name: string }
  | { readonly kind: 'check'; readonly id: number; readonly name: string };

/** Why a subject has its state: the rule applied, and the parts it was applied to. */
export interface HealthExplanation {
  readonly subject: HealthSubject;
  readonly state: HealthState;
  /** E.g. "most severe of its dependencies and redundancy groups: host router is critical". */
  readonly reason: string;
  readonly children: readonly HealthExplanation[];
}
