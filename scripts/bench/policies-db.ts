import type { PolicyCase } from './policies-workload';

/** The database path of bench:policies: filled in once the policy stage's ingest is on the branch. */
export async function runDatabasePath(_cases: readonly PolicyCase[], _options: { events: number; batch: number; memoryAt: number }): Promise<void> {
  throw new Error('the database path needs the PolicyEventIngest of the policy stage');
}
