import type { AlertTransition } from '../../../src/alerting/state/alert-state';
import type { Severity } from '../../../src/alerting/rules/rule';
import type { HealthSubjectKind } from '../../../src/health/alerts';
import { HealthMonitor } from '../../../src/services/health/health-monitor';
import type { AlertStateStore } from '../../../src/storage/alerting-stores';
import type { HealthHostInput, HealthScope, HealthStore, NewHealthState, StoredHealthState } from '../../../src/storage/health-stores';
import type { Transactor } from '../../../src/storage/stores';
import { MemoryLogger } from '../../support/amqp-fakes';

/** The health store in memory: one host per id, one check each, whose latest severity the test sets. */
class MemoryHealthStore implements Pick<HealthStore, keyof HealthStore> {
  readonly calls: string[] = [];
  readonly severities = new Map<number, Severity>();
  readonly rows = new Map<string, StoredHealthState>();
  lastMs: number | undefined;

  async hosts(scope: HealthScope): Promise<HealthHostInput[]> {
    this.calls.push('hosts');
    const ids = scope.ids ?? [...this.severities.keys()];
    return ids
      .filter((id) => this.severities.has(id))
      .map((id) => ({ id, name: `h${id}`, experimentId: 1, experiment: 'E', checks: [{ id: 1, name: 'ping', latest: { severity: this.severities.get(id)!, slotMs: 0, message: '' } }] }));
  }
  async services() {
    return [];
  }
  async hostGroupMembers() {
    return new Map<number, number[]>();
  }
  async subjectIds(kind: HealthSubjectKind) {
    return kind === 'host' ? [...this.severities.keys()] : [];
  }
  async servicesOfHost() {
    return [];
  }
  async ensure(kind: HealthSubjectKind, id: number) {
    this.calls.push('ensure');
    if (!this.rows.has(`${kind}/${id}`) && this.severities.has(id)) {
      this.rows.set(`${kind}/${id}`, { kind, subjectId: id, experimentId: 1, name: `h${id}`, state: 'no_data', sinceMs: 0, computedMs: 0, version: 0 });
    }
  }
  async lock(kind: HealthSubjectKind, id: number) {
    this.calls.push('lock');
    return this.rows.get(`${kind}/${id}`);
  }
  async save(kind: HealthSubjectKind, id: number, state: NewHealthState) {
    this.calls.push('save');
    this.rows.set(`${kind}/${id}`, { kind, subjectId: id, ...state });
  }
  async delete(kind: HealthSubjectKind, id: number) {
    this.rows.delete(`${kind}/${id}`);
  }
  async lastTransitionMs() {
    return this.lastMs;
  }
  async orphans() {
    return [...this.rows.values()].filter((row) => !this.severities.has(row.subjectId)).map((row) => ({ kind: row.kind, subjectId: row.subjectId }));
  }
  async states() {
    return new Map<number, StoredHealthState>();
  }
}

function setup(now = () => 5_000) {
  const store = new MemoryHealthStore();
  const appended: { fencingToken: number; transitions: readonly AlertTransition[] }[] = [];
  const alerts = {
    appendTransitions: async (_group: number, _experiment: number, fencingToken: number, transitions: readonly AlertTransition[]) => {
      appended.push({ fencingToken, transitions });
      return transitions.map((_, i) => i + 1);
    },
  } as unknown as AlertStateStore;
  const transactor: Transactor = { inTransaction: (work) => work() };
  const monitor = new HealthMonitor(transactor, store as unknown as HealthStore, alerts, new MemoryLogger(), { sweepMs: 60_000, now });
  return { store, appended, monitor };
}

const result = (hostId: number, severity: Severity = 'critical') =>
  ({ id: 1, checkId: 1, hostId, experimentId: 1, slotMs: 0, outcome: 'failed', message: '', severity }) as const;

describe('HealthMonitor', () => {
  it('locks the subject before it reads the model and the results', async () => {
    const { store, monitor } = setup();
    store.severities.set(1, 'critical');
    await monitor.recomputeHost(1);
    expect(store.calls).toEqual(['ensure', 'lock', 'hosts', 'save']);
  });

  it('writes a change once, with the row version as fencing token', async () => {
    const { store, appended, monitor } = setup();
    store.severities.set(1, 'critical');
    expect(await monitor.recomputeHost(1)).toHaveLength(1);
    expect(await monitor.recomputeHost(1)).toEqual([]);
    expect(appended).toHaveLength(1);
    expect(appended[0]!.fencingToken).toBe(1);
    expect(store.rows.get('host/1')).toMatchObject({ state: 'critical', sinceMs: 5_000, version: 1 });
  });

  it('moves a transition past the last one of the same alerts (the unique key holds)', async () => {
    const { store, monitor } = setup(() => 5_000);
    store.severities.set(1, 'critical');
    store.lastMs = 5_000;
    const [transition] = await monitor.recomputeHost(1);
    expect(transition!.atMs).toBe(5_001);
  });

  it('every result told is handled, however it interleaves with the end of a drain', async () => {
    const { store, monitor } = setup();
    // A second result 0..99 microtasks after a first: while its drain runs, as it ends, after it ended.
    for (let gap = 0; gap < 100; gap++) {
      const [first, second] = [2 * gap + 1, 2 * gap + 2];
      store.severities.set(first, 'major');
      store.severities.set(second, 'major');
      monitor.resultRecorded(result(first));
      for (let k = 0; k < gap; k++) await Promise.resolve();
      monitor.resultRecorded(result(second));
      await monitor.idle();
      expect([store.rows.get(`host/${first}`)?.state, store.rows.get(`host/${second}`)?.state]).toEqual(['major', 'major']);
    }
  });

  it('the sweep resolves the alert of a deleted host and forgets it', async () => {
    const { store, appended, monitor } = setup();
    store.severities.set(1, 'critical');
    await monitor.recomputeHost(1);
    store.severities.delete(1);
    await monitor.sweep();
    expect(appended.at(-1)!.transitions.map((t) => [t.to, t.reason])).toEqual([['resolved', 'host removed']]);
    expect(store.rows.size).toBe(0);
  });
});
