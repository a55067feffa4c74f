import type { RuleGroup } from '../alerting/rules/rule';
import type { AlertStateStore, GroupLease, RuleGroupLeaseStore } from '../storage/alerting-stores';
import type { MeasureStore, Transactor } from '../storage/stores';
import type { GroupEvaluation } from './group-evaluation';
import { measureRowsOf } from './sample-measures';

/** Another process took the group's lease since this one took it: its evaluation must not be stored. */
export class StaleLeaseError extends Error {
  constructor(groupId: number) {
    super(`the lease of rule group ${groupId} is no longer this process's`);
    this.name = 'StaleLeaseError';
  }
}

/** The evaluation time is not after the last committed one (a replay, or a late ingest-triggered run). */
export class StaleEvaluationError extends Error {
  constructor(groupId: number, atMs: number, lastMs: number) {
    super(`rule group ${groupId}: evaluation at ${atMs} is not after the last committed one (${lastMs})`);
    this.name = 'StaleEvaluationError';
  }
}

export interface CommitPorts {
  readonly tx: Transactor;
  readonly leases: RuleGroupLeaseStore;
  readonly alerts: AlertStateStore;
  readonly measures: MeasureStore;
}

/**
 * Stores an evaluation in one transaction: the lease row is locked first and its fencing token compared
 * with the one the evaluation ran under (a process that lost its lease while evaluating writes nothing),
 * and the evaluation time must be after the last committed one (nothing is applied twice). Then the new
 * states, the transitions and their outbox rows, the rules' health, and the recording results and ALERTS
 * series as measures. Returns the transitions' ids.
 */
export async function commitEvaluation(
  ports: CommitPorts,
  group: RuleGroup,
  lease: GroupLease,
  evaluation: GroupEvaluation,
  durationMs: number,
): Promise<number[]> {
  return ports.tx.inTransaction(async () => {
    const locked = await ports.leases.lockForCommit(group.id);
    if (locked === undefined || locked.fencingToken !== lease.fencingToken || locked.holder !== lease.holder) {
      throw new StaleLeaseError(group.id);
    }
    if (locked.lastEvalMs !== undefined && evaluation.atMs <= locked.lastEvalMs) {
      throw new StaleEvaluationError(group.id, evaluation.atMs, locked.lastEvalMs);
    }
    await ports.alerts.replaceGroupStates(group.id, group.experimentId, evaluation.states);
    const ids = await ports.alerts.appendTransitions(group.id, group.experimentId, lease.fencingToken, evaluation.transitions);
    await ports.alerts.recordRuleEvaluations(
      group.id,
      evaluation.rules.map((r) => ({ ...r, evalMs: evaluation.atMs })),
    );
    const rows = measureRowsOf(group, evaluation.samples, evaluation.atMs);
    if (rows.length > 0) await ports.measures.store(rows);
    await ports.leases.recordEvaluation(group.id, evaluation.atMs, durationMs);
    return ids;
  });
}
