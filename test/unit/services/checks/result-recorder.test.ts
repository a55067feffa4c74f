import 'reflect-metadata';
import { LuaSandbox } from '../../../../src/alerting/classify/lua-sandbox';
import { SandboxedClassifier } from '../../../../src/alerting/classify/sandboxed-classifier';
import type { CheckJob, CheckRunResult, RecordedResult } from '../../../../src/checks/ports';
import { StorageUnavailableError } from '../../../../src/domain/errors';
import type { Logger } from '../../../../src/logging/logger';
import { ResultRecorder } from '../../../../src/services/checks/result-recorder';
import type { CommittedMeasures } from '../../../../src/services/contracts';
import type { CheckResultStore, NewCheckResult } from '../../../../src/storage/check-result-stores';
import type { MeasureRow, MeasureStore, PreparedMeasures, Transactor } from '../../../../src/storage/stores';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => silent };
const T = Date.UTC(2026, 10, 1);

/** A transaction that runs its after-commit callbacks once the work resolved, and drops them when it failed. */
class RecordingTransactor implements Transactor {
  readonly log: string[] = [];
  private pending: (() => void)[] | undefined;
  failNext: Error[] = [];

  async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    this.pending = [];
    try {
      const result = await work();
      const failure = this.failNext.shift();
      if (failure) throw failure;
      this.log.push('commit');
      for (const callback of this.pending) callback();
      return result;
    } catch (error) {
      this.log.push('rollback');
      throw error;
    } finally {
      this.pending = undefined;
    }
  }

  afterCommit(callback: () => void): void {
    if (!this.pending) throw new Error('afterCommit outside a transaction');
    this.pending.push(callback);
  }
}

class FakeResults implements Partial<CheckResultStore> {
  rows: RecordedResult[] = [];
  classifier: string | null = null;
  async insertOnce(result: NewCheckResult) {
    const first = this.rows.find((r) => r.checkId === result.checkId && r.hostId === result.hostId && r.slotMs === result.slotMs);
    if (first) return { result: first, created: false };
    const stored = { ...result, id: this.rows.length + 1 } as RecordedResult;
    this.rows.push(stored);
    return { result: stored, created: true };
  }
  async readings() {
    return [];
  }
  async classifierOf(checkId: number) {
    return { checkId, version: 1, classifier: this.classifier };
  }
}

class FakeMeasures implements MeasureStore {
  stored: MeasureRow[] = [];
  async store(): Promise<never> {
    throw new Error('not used');
  }
  prepare(rows: readonly MeasureRow[]): PreparedMeasures {
    return { rows };
  }
  async storePrepared(prepared: PreparedMeasures) {
    this.stored.push(...prepared.rows);
    return { stored: prepared.rows.length, duplicates: 0 };
  }
}

const job: CheckJob = {
  checkId: 1,
  checkName: 'ping',
  checkVersion: 1,
  experimentId: 2,
  experiment: 'EXP',
  kind: 'tcp',
  params: { kind: 'tcp', port: 22 },
  timeoutMs: 1000,
  host: { id: 3, experimentId: 2, name: 'h', address: 'h', description: '' },
  scheduleId: 4,
  slotMs: T,
  fencingToken: 9,
};
const ok: CheckRunResult = { outcome: 'ok', value: 4, message: 'up', startedAtMs: T, durationMs: 4 };

function setUp(options: { listenerThrows?: boolean } = {}) {
  const tx = new RecordingTransactor();
  const results = new FakeResults();
  const measures = new FakeMeasures();
  const heard: string[] = [];
  const measureListener = {
    committed: (batch: CommittedMeasures) => {
      heard.push(`measures ${batch.measures.length} exact=${batch.exact} after ${tx.log.at(-1)}`);
      if (options.listenerThrows) throw new Error('listener bug');
    },
  };
  const resultListener = { resultRecorded: (r: RecordedResult) => heard.push(`result ${r.id} after ${tx.log.at(-1)}`) };
  const fence = { assertHeld: jest.fn(async () => undefined) };
  const recorder = new ResultRecorder(
    results as unknown as CheckResultStore,
    measures,
    tx,
    tx,
    new SandboxedClassifier(new LuaSandbox()),
    silent,
    fence,
    [measureListener],
    [resultListener],
  );
  return { tx, results, measures, heard, fence, recorder };
}

describe('ResultRecorder', () => {
  it('tells the measure listeners, then the result listeners, after the commit only', async () => {
    const { recorder, heard, fence, measures } = setUp();
    const result = await recorder.record(job, { ...ok, fields: new Map([['rtt', 1]]) });
    expect(fence.assertHeld).toHaveBeenCalledWith(job);
    expect(measures.stored).toHaveLength(2);
    expect(heard).toEqual(['measures 2 exact=true after commit', `result ${result.id} after commit`]);
  });

  it('a second record of the slot tells nobody', async () => {
    const { recorder, heard } = setUp();
    const first = await recorder.record(job, ok);
    heard.length = 0;
    expect(await recorder.record(job, { ...ok, value: 5 })).toBe(first);
    expect(heard).toEqual([]);
  });

  it('a listener that throws fails nothing', async () => {
    const { recorder, heard } = setUp({ listenerThrows: true });
    await expect(recorder.record(job, ok)).resolves.toMatchObject({ severity: 'ok' });
    expect(heard).toHaveLength(2);
  });

  it('a failed commit tells nobody and throws; a deadlock is tried again, whole', async () => {
    const { recorder, heard, tx } = setUp();
    tx.failNext = [new StorageUnavailableError('down', { cause: null, code: 'ECONNREFUSED' })];
    await expect(recorder.record(job, ok)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(heard).toEqual([]);

    const deadlock = () => new StorageUnavailableError('Deadlock found', { cause: null, code: 'ER_LOCK_DEADLOCK' });
    const again = setUp();
    again.tx.failNext = [deadlock(), deadlock()];
    await expect(again.recorder.record(job, ok)).resolves.toMatchObject({ severity: 'ok' });
    expect(again.tx.log).toEqual(['rollback', 'rollback', 'commit']);
    const never = setUp();
    never.tx.failNext = [deadlock(), deadlock(), deadlock()];
    await expect(never.recorder.record(job, ok)).rejects.toMatchObject({ code: 'ER_LOCK_DEADLOCK' });
  });

  it('refuses a job whose slot or token storage cannot hold, before anything is written', async () => {
    const { recorder, results } = setUp();
    await expect(recorder.record({ ...job, slotMs: Number.NaN }, ok)).rejects.toThrow('job.slotMs must be an integer instant, not NaN');
    await expect(recorder.recordMissed({ ...job, fencingToken: -1 })).rejects.toThrow('job.fencingToken must be a non-negative integer, not -1');
    expect(results.rows).toEqual([]);
  });

  it('a broken classifier gives unknown with the reason and the result is stored', async () => {
    const { recorder, results } = setUp();
    results.classifier = '{"lua": "while true do end", "history": 1}';
    const result = await recorder.record(job, ok);
    expect(result.severity).toBe('unknown');
    expect(result.reason).toMatch(/^(instruction|wall time) limit exceeded$/);
  });
});
