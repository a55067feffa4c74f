import { ConflictError } from '../../src/domain/errors';
import type {
  NewPolicy,
  NewPolicyRejection,
  Policy,
  PolicyGeneration,
  PolicyListQuery,
  PolicyMonitorRow,
  PolicyMonitorUpdate,
  PolicyRejectionRow,
  PolicyStore,
  PolicyVerdictRow,
  StoredTimePointRow,
} from '../../src/storage/policy-stores';
import type { InMemoryExperimentStore } from './in-memory-stores';

const EPOCH = new Date(0);

/** PolicyStore in memory, for the services' rules (no transactions: the rules refuse before they write). */
export class InMemoryPolicyStore implements PolicyStore {
  readonly policies = new Map<number, Omit<Policy, 'experiment'>>();
  readonly generations = new Map<number, PolicyGeneration[]>();
  readonly monitors = new Map<number, PolicyMonitorRow>();
  readonly timePoints = new Map<number, StoredTimePointRow[]>();
  readonly verdictRows = new Map<number, (PolicyVerdictRow & { generation: number })[]>();
  readonly rejectionRows: (PolicyRejectionRow & { policyId: number })[] = [];
  readonly firing = new Map<number, string>();
  readonly deliveries = new Set<string>();
  private nextId = 1;

  constructor(private readonly experiments: InMemoryExperimentStore) {}

  private owned(row: Omit<Policy, 'experiment'>): Policy {
    const experiment = [...this.experiments.rows.values()].find((e) => e.id === row.experimentId);
    return { ...row, experiment: experiment?.code ?? '?' };
  }

  async insert(policy: NewPolicy, first: { readonly variables: readonly string[]; readonly snapshot: string }): Promise<Policy> {
    if ([...this.policies.values()].some((p) => p.experimentId === policy.experimentId && p.name === policy.name)) {
      throw new ConflictError('the experiment already has a policy of that name');
    }
    const id = this.nextId++;
    this.policies.set(id, { ...policy, id, generation: 1, createdAt: EPOCH, updatedAt: EPOCH });
    this.generations.set(id, [{ generation: 1, signature: policy.signature, formula: policy.formula, negate: policy.negate, variables: first.variables, firstTp: 0 }]);
    this.monitors.set(id, { policyId: id, generation: 1, firstTp: 0, nextTp: 0, lastTs: null, ended: false, snapshot: first.snapshot, fencing: 0, replayedEvents: null, storedEvents: null });
    return this.owned(this.policies.get(id) as Omit<Policy, 'experiment'>);
  }

  async claimDelivery(policyId: number, deliveryId: string): Promise<boolean> {
    const key = JSON.stringify([policyId, deliveryId]);
    if (this.deliveries.has(key)) return false;
    this.deliveries.add(key);
    return true;
  }

  async get(id: number): Promise<Policy | undefined> {
    const row = this.policies.get(id);
    return row === undefined ? undefined : this.owned(row);
  }

  async list(query: PolicyListQuery): Promise<Policy[]> {
    return [...this.policies.values()]
      .filter((p) => p.id > (query.afterId ?? 0))
      .filter((p) => query.scope.kind === 'all' || query.scope.experimentIds.includes(p.experimentId))
      .filter((p) => query.experimentId === undefined || p.experimentId === query.experimentId)
      .sort((a, b) => a.id - b.id)
      .slice(0, query.limit)
      .map((p) => this.owned(p));
  }

  async rename(id: number, name: string): Promise<Policy | undefined> {
    const row = this.policies.get(id);
    if (row === undefined) return undefined;
    this.policies.set(id, { ...row, name });
    return this.get(id);
  }

  async changeGeneration(
    id: number,
    change: { readonly name: string; readonly signature: string; readonly formula: string; readonly negate: boolean; readonly generation: number; readonly variables: readonly string[] },
    monitor: PolicyMonitorUpdate,
    expectedFencing: number,
  ): Promise<boolean> {
    const row = this.policies.get(id);
    if (row === undefined) return false;
    this.policies.set(id, { ...row, name: change.name, signature: change.signature, formula: change.formula, negate: change.negate, generation: change.generation });
    this.generations.get(id)?.push({ ...change, firstTp: monitor.firstTp });
    return this.saveMonitor(id, expectedFencing, monitor);
  }

  async delete(id: number): Promise<boolean> {
    this.monitors.delete(id);
    return this.policies.delete(id);
  }

  async generation(policyId: number, generation: number): Promise<PolicyGeneration | undefined> {
    return this.generations.get(policyId)?.find((g) => g.generation === generation);
  }

  async lockMonitor(policyId: number): Promise<PolicyMonitorRow | undefined> {
    return this.monitors.get(policyId);
  }

  async monitor(policyId: number): Promise<PolicyMonitorRow | undefined> {
    return this.monitors.get(policyId);
  }

  async saveMonitor(policyId: number, expectedFencing: number, update: PolicyMonitorUpdate): Promise<boolean> {
    const row = this.monitors.get(policyId);
    if (row === undefined || row.fencing !== expectedFencing) return false;
    this.monitors.set(policyId, {
      ...row,
      ...update,
      fencing: row.fencing + 1,
      replayedEvents: update.replayedEvents === undefined ? row.replayedEvents : update.replayedEvents,
      storedEvents: update.storedEvents === undefined ? row.storedEvents : (update.storedEvents ?? null),
    });
    return true;
  }

  async insertTimePoints(policyId: number, points: readonly StoredTimePointRow[]): Promise<void> {
    this.timePoints.set(policyId, [...(this.timePoints.get(policyId) ?? []), ...points]);
  }

  async insertVerdicts(policyId: number, generation: number, verdicts: readonly PolicyVerdictRow[]): Promise<void> {
    this.verdictRows.set(policyId, [...(this.verdictRows.get(policyId) ?? []), ...verdicts.map((v) => ({ ...v, generation }))]);
  }

  async insertRejection(rejection: NewPolicyRejection): Promise<number> {
    const id = this.rejectionRows.length + 1;
    this.rejectionRows.push({ ...rejection, id, receivedAt: EPOCH });
    return id;
  }

  async insertRejections(rejections: readonly NewPolicyRejection[]): Promise<number[]> {
    const ids: number[] = [];
    for (const r of rejections) ids.push(await this.insertRejection(r));
    return ids;
  }

  async verdicts(policyId: number, generation: number, afterTp: number | undefined, limit: number): Promise<PolicyVerdictRow[]> {
    return (this.verdictRows.get(policyId) ?? []).filter((v) => v.generation === generation && v.tp > (afterTp ?? -1)).slice(0, limit);
  }

  async rejections(policyId: number, afterId: number | undefined, limit: number): Promise<PolicyRejectionRow[]> {
    return this.rejectionRows.filter((r) => r.policyId === policyId && r.id > (afterId ?? 0)).slice(0, limit);
  }

  async firingAlerts(policyId: number): Promise<string> {
    return this.firing.get(policyId) ?? '[]';
  }

  async saveFiringAlerts(policyId: number, firing: string): Promise<void> {
    this.firing.set(policyId, firing);
  }
}
