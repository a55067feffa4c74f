import { runBounded } from '../../../src/checks/builtin/bounded-run';
import type { CheckJob } from '../../../src/checks/ports';
import { CheckJobRunner } from '../../../src/services/checks/check-job-runner';
import { Permits } from '../../../src/services/checks/permits';
import { delay, StubExecutor } from '../../support/checks-fakes-scheduler';

const job = (over: Partial<CheckJob> = {}): CheckJob => ({
  checkId: 1,
  checkName: 'c',
  checkVersion: 1,
  experimentId: 1,
  experiment: 'E',
  kind: 'tcp',
  params: { kind: 'tcp', port: 22 },
  timeoutMs: 50,
  host: { id: 1, experimentId: 1, name: 'h', address: '127.0.0.1', description: '' },
  scheduleId: 1,
  slotMs: 0,
  fencingToken: 1,
  ...over,
});

describe('CheckJobRunner', () => {
  const never = new AbortController().signal;

  it('runs a job through the executor bound for its kind; the first executor of a kind wins', async () => {
    const tcp = new StubExecutor(['tcp', 'http'], async () => ({ outcome: 'ok', value: 3, message: 'open' }));
    const other = new StubExecutor(['tcp', 'dns']);
    const runner = new CheckJobRunner([tcp, other], 100);
    expect(await runner.run(job(), never)).toMatchObject({ outcome: 'ok', value: 3, message: 'open' });
    expect(tcp.calls).toHaveLength(1);
    expect(other.calls).toHaveLength(0);
    expect(runner.kinds()).toEqual(['tcp', 'http', 'dns']);
  });

  it('a kind without executor is an error result saying so', async () => {
    const result = await new CheckJobRunner([], 100).run(job({ kind: 'plugin' }), never);
    expect(result).toMatchObject({ outcome: 'error', message: 'no executor runs plugin checks in this process' });
  });

  it('an executor that throws is an error result with its message', async () => {
    const runner = new CheckJobRunner([new StubExecutor(['tcp'], async () => Promise.reject(new Error('boom')))], 100);
    expect(await runner.run(job(), never)).toMatchObject({ outcome: 'error', message: 'the tcp executor failed: boom' });
  });

  it("the job's timeout aborts the executor's signal: an executor that gives up on it is a timeout", async () => {
    const runner = new CheckJobRunner([new StubExecutor(['tcp'], async (_job, signal) => delay(10_000, signal).then(() => ({ outcome: 'ok' as const, message: '' })))], 100);
    const result = await runner.run(job({ timeoutMs: 30 }), never);
    expect(result).toMatchObject({ outcome: 'timeout', message: 'timed out after 30 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(25);
  });

  it('an executor that ignores its signal is given up on after the grace period, as a timeout', async () => {
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const runner = new CheckJobRunner([new StubExecutor(['tcp'], async () => hung.then(() => ({ outcome: 'ok' as const, message: '' })))], 20);
    expect(await runner.run(job({ timeoutMs: 20 }), never)).toMatchObject({ outcome: 'timeout', message: 'no answer within 20 ms' });
    release();
  });

  it('a non-finite or non-positive timeout falls back to the ceiling instead of firing at once', async () => {
    const runner = new CheckJobRunner([new StubExecutor(['tcp'])], 10);
    for (const timeoutMs of [Number.NaN, 0, -5, Number.POSITIVE_INFINITY]) expect((await runner.run(job({ timeoutMs }), never)).outcome).toBe('ok');
  });

  it('a stop aborts the executor; the result is not a timeout', async () => {
    const stop = new AbortController();
    const runner = new CheckJobRunner([new StubExecutor(['tcp'], async (_job, signal) => delay(10_000, signal).then(() => ({ outcome: 'ok' as const, message: '' })))], 100);
    const running = runner.run(job({ timeoutMs: 5_000 }), stop.signal);
    stop.abort(new Error('stopping'));
    expect((await running).outcome).toBe('error');
  });

  it("aborts at the job's timeout with a reason named TimeoutError, at a stop with the stop's reason", async () => {
    const reasons: unknown[] = [];
    const executor = new StubExecutor(['tcp'], async (_job, signal) =>
      delay(10_000, signal).then(
        () => ({ outcome: 'ok' as const, message: '' }),
        () => {
          reasons.push(signal.reason);
          return { outcome: 'error' as const, message: 'noticed' };
        },
      ),
    );
    const runner = new CheckJobRunner([executor], 100);
    await runner.run(job({ timeoutMs: 20 }), never);
    const stop = new AbortController();
    const stopping = new Error('stopping');
    const running = runner.run(job({ timeoutMs: 5_000 }), stop.signal);
    stop.abort(stopping);
    await running;
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatchObject({ name: 'TimeoutError', message: 'timed out after 20 ms' });
    expect(reasons[1]).toBe(stopping);
  });

  it('a built-in check under the runner tells its timeout from a stop by the reason, whenever it comes', async () => {
    // runBounded's own timer is later than the runner's (a long job timeout), so only the reason's name can tell.
    const hang = (signal: AbortSignal) => new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const builtin = { kinds: ['tcp'] as const, execute: (_job: CheckJob, signal: AbortSignal) => runBounded({ timeoutMs: 60_000 }, signal, hang) };
    const runner = new CheckJobRunner([builtin], 100);
    expect(await runner.run(job({ timeoutMs: 30 }), never)).toMatchObject({ outcome: 'timeout', message: 'timed out after 30 ms' });
    const stop = new AbortController();
    const running = runner.run(job({ timeoutMs: 60_000 }), stop.signal);
    stop.abort(new Error('the scheduler is stopping'));
    expect(await running).toMatchObject({ outcome: 'error', message: 'aborted' });
  });
});

describe('Permits', () => {
  it('grants at most `size` at once, the others in arrival order; an aborted wait ends with false', async () => {
    const permits = new Permits(2);
    const signal = new AbortController().signal;
    expect(await permits.acquire(signal)).toBe(true);
    expect(await permits.acquire(signal)).toBe(true);
    const order: string[] = [];
    const cancelled = new AbortController();
    const third = permits.acquire(signal).then((ok) => order.push(`third ${ok}`));
    const gone = permits.acquire(cancelled.signal).then((ok) => order.push(`gone ${ok}`));
    const fourth = permits.acquire(signal).then((ok) => order.push(`fourth ${ok}`));
    cancelled.abort();
    await gone;
    expect(permits.inUse).toBe(2);
    permits.release();
    await third;
    permits.release();
    await fourth;
    expect(order).toEqual(['gone false', 'third true', 'fourth true']);
    permits.release();
    permits.release();
    permits.release();
    expect(permits.inUse).toBe(0);
    expect(() => new Permits(0)).toThrow(RangeError);
    expect(() => new Permits(1.5)).toThrow(RangeError);
  });
});
