import type { Host } from '../../../src/checks/model';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';
import { CheckSchedulerMetrics } from '../../../src/metrics/check-scheduler-metrics';
import { CheckScheduler, type CheckSchedulerOptions } from '../../../src/services/checks/check-scheduler';
import { MemoryLogger } from '../../support/amqp-fakes';
import { delay, InMemoryScheduleStore, MemoryRecorder, standInParams, StubExecutor } from '../../support/checks-fakes-scheduler';
import { eventually } from '../../support/eventually';

const NOW = 1_000_000;
const PERIOD = 60_000;
const host = (id: number): Host => ({ id, experimentId: 1, name: `h${id}`, address: '127.0.0.1', description: '' });

function setup(options: { executor?: StubExecutor; recorder?: boolean; scheduler?: Partial<CheckSchedulerOptions>; executeNextMs?: number } = {}) {
  const store = new InMemoryScheduleStore();
  store.nowMs_ = NOW;
  store.intervals.set(1, { intervalId: 1, scheduleId: 7, startMs: NOW - PERIOD, periodMs: PERIOD, executeNextMs: options.executeNextMs ?? NOW, maxLatenessMs: 5_000 });
  store.snapshots.set(7, {
    scheduleId: 7,
    experimentId: 1,
    experiment: 'E',
    maxLatenessMs: 5_000,
    checks: [1, 2].map((id) => ({ id, experimentId: 1, name: `c${id}`, kind: 'http' as const, params: {}, timeoutMs: 1_000, version: 1, hostIds: [1, 2], hostGroupIds: [] })),
    hosts: new Map([1, 2].map((id) => [id, host(id)])),
    groups: new Map(),
  });
  const executor = options.executor ?? new StubExecutor(['http']);
  const recorder = new MemoryRecorder(store.fence);
  const logger = new MemoryLogger();
  const scheduler = new CheckScheduler(
    store,
    new CheckSchedulerMetrics(new MetricsRegistry()),
    logger,
    [executor],
    options.recorder === false ? undefined : recorder,
    { pollMs: 10, leaseMs: 1_000, parseParams: standInParams, ...options.scheduler },
  );
  return { store, executor, recorder, logger, scheduler };
}

const claimOf = (store: InMemoryScheduleStore, slotMs = NOW) => store.claims.get(InMemoryScheduleStore.key(7, slotMs));

describe('CheckScheduler (in-memory store)', () => {
  it('without a recorder it does not start and claims nothing', async () => {
    const { store, scheduler, logger } = setup({ recorder: false });
    await scheduler.start();
    expect(logger.entries.map((e) => e.message)).toContain('check scheduler not started: no check result recorder is bound');
    expect(store.claims.size).toBe(0);
    await scheduler.stop();
  });

  it('a due slot: claimed, each (check, host) run once and recorded, the claim finished, execute_next walked', async () => {
    const { store, scheduler, executor, recorder } = setup();
    await scheduler.start();
    await eventually(() => claimOf(store)?.done, (done) => done === true, { what: 'slot finished' });
    await scheduler.stop();
    expect(executor.calls.map((j) => `${j.checkId}/${j.host.id}`).sort()).toEqual(['1/1', '1/2', '2/1', '2/2']);
    expect([...recorder.results.values()].map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(store.intervals.get(1)?.executeNextMs).toBe(NOW + PERIOD);
  });

  it('at most `concurrency` jobs run at once', async () => {
    let running = 0;
    let most = 0;
    const executor = new StubExecutor(['http'], async (_job, signal) => {
      most = Math.max(most, ++running);
      await delay(20, signal);
      running--;
      return { outcome: 'ok', message: '' };
    });
    const { store, scheduler } = setup({ executor, scheduler: { concurrency: 2 } });
    await scheduler.start();
    await eventually(() => claimOf(store)?.done, (done) => done === true, { what: 'slot finished' });
    await scheduler.stop();
    expect(most).toBe(2);
  });

  it('a slot due beyond the maximum lateness: every job recorded as missed, none run', async () => {
    const { store, scheduler, executor, recorder } = setup({ executeNextMs: NOW - 10_000 });
    store.intervals.set(1, { ...store.intervals.get(1)!, startMs: NOW - 10_000 });
    await scheduler.start();
    await eventually(() => claimOf(store, NOW - 10_000)?.done, (done) => done === true, { what: 'slot finished' });
    await scheduler.stop();
    expect(executor.calls).toEqual([]);
    expect([...recorder.results.values()].map((r) => r.outcome)).toEqual(['missed', 'missed', 'missed', 'missed']);
  });

  it('a takeover runs only the jobs without progress, under the next token', async () => {
    const { store, scheduler, executor } = setup({ executeNextMs: NOW + PERIOD });
    const claim = { scheduleId: 7, slotMs: NOW, mode: 'run' as const, fencingToken: 4, takenOver: false };
    store.claims.set(InMemoryScheduleStore.key(7, NOW), { claim, holder: 'dead', expiresMs: NOW - 1, done: false });
    store.progress.add(`${InMemoryScheduleStore.key(7, NOW)}/1:1`);
    store.progress.add(`${InMemoryScheduleStore.key(7, NOW)}/2:2`);
    await scheduler.start();
    await eventually(() => claimOf(store)?.done, (done) => done === true, { what: 'slot finished' });
    await scheduler.stop();
    expect(executor.calls.map((j) => [`${j.checkId}/${j.host.id}`, j.fencingToken])).toEqual([
      ['1/2', 5],
      ['2/1', 5],
    ]);
  });

  it('a stale claim (taken over meanwhile): the result is refused, the rest of the slot dropped, the claim left to its new holder', async () => {
    const executor = new StubExecutor(['http'], async (_job, signal) => {
      await delay(20, signal);
      return { outcome: 'ok', message: '' };
    });
    const { store, scheduler, recorder } = setup({ executor, scheduler: { concurrency: 1 } });
    // The first record finds the claim taken over by another process.
    const original = store.fence.assertHeld;
    let first = true;
    Object.assign(store.fence, {
      assertHeld: async (job: Parameters<typeof original>[0]) => {
        if (first) {
          first = false;
          const held = claimOf(store)!;
          held.claim = { ...held.claim, fencingToken: held.claim.fencingToken + 1 };
          held.holder = 'other';
        }
        return original(job);
      },
    });
    await scheduler.start();
    await eventually(() => executor.calls.length, (n) => n >= 1, { what: 'a job run' });
    await eventually(() => scheduler['active'].size, (n) => n === 0, { what: 'the slot dropped' });
    await scheduler.stop();
    // One job per permit: the one running while the first was refused may have started; no other did.
    expect(executor.calls.length).toBeLessThanOrEqual(2);
    expect(recorder.results.size).toBe(0);
    expect(claimOf(store)).toMatchObject({ holder: 'other', done: false });
  });

  it('a recorder failure: the claim is released (not finished) so that the slot runs again for it', async () => {
    const { store, scheduler, recorder, logger } = setup();
    recorder.fail = new Error('database down');
    await scheduler.start();
    await eventually(() => store.released, (r) => r.length > 0, { what: 'claim released' });
    await scheduler.stop();
    expect(claimOf(store)?.done).toBe(false);
    expect(logger.entries.some((e) => e.message === 'check result not recorded; the slot is run again for it')).toBe(true);
  });

  it('stop: running jobs are aborted unrecorded and the claim released for another process', async () => {
    const executor = new StubExecutor(['http'], async (_job, signal) => {
      await delay(60_000, signal);
      return { outcome: 'ok', message: '' };
    });
    const { store, scheduler, recorder } = setup({ executor });
    await scheduler.start();
    await eventually(() => executor.calls.length, (n) => n === 4, { what: 'jobs running' });
    await scheduler.stop();
    expect(recorder.results.size).toBe(0);
    expect(claimOf(store)).toMatchObject({ holder: '', done: false });
  });
});

describe('CheckScheduler: one check at a time per agent', () => {
  it('plugin jobs of hosts sharing an agent run one after the other in dispatch order; other agents and built-in kinds alongside', async () => {
    const active = new Map<string, number>();
    let most = 0;
    const order: string[] = [];
    const executor = new StubExecutor(['plugin', 'http'], async (job, signal) => {
      const lane = job.kind === 'plugin' ? (job.host.agent ?? '') : `builtin-${job.host.id}-${job.checkId}`;
      active.set(lane, (active.get(lane) ?? 0) + 1);
      most = Math.max(most, active.get(lane)!);
      if (job.kind === 'plugin' && job.host.agent === 'a1') order.push(`${job.checkId}/${job.host.id}`);
      await delay(15, signal);
      active.set(lane, active.get(lane)! - 1);
      return { outcome: 'ok', message: '' };
    });
    const { store, scheduler } = setup({ executor });
    const snapshot = store.snapshots.get(7)!;
    const agentHost = (id: number, agent: string): Host => ({ ...host(id), agent });
    store.snapshots.set(7, {
      ...snapshot,
      hosts: new Map([
        [1, agentHost(1, 'a1')],
        [2, agentHost(2, 'a1')],
        [3, agentHost(3, 'a2')],
      ]),
      checks: [
        ...[1, 2].map((id) => ({ id, experimentId: 1, name: `p${id}`, kind: 'plugin' as const, params: {}, plugin: 'disk', timeoutMs: 1_000, version: 1, hostIds: [1, 2, 3], hostGroupIds: [] })),
        { id: 3, experimentId: 1, name: 'web', kind: 'http' as const, params: {}, timeoutMs: 1_000, version: 1, hostIds: [1, 2], hostGroupIds: [] },
      ],
    });
    await scheduler.start();
    await eventually(() => claimOf(store)?.done, (done) => done === true, { what: 'slot finished' });
    await scheduler.stop();
    expect(executor.calls).toHaveLength(8);
    expect(most).toBe(1);
    expect(order).toEqual(['1/1', '1/2', '2/1', '2/2']);
  });
});
