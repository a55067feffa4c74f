import type { Logger } from '../../../src/logging/logger';
import { PeriodicTask } from '../../../src/services/periodic-task';
import { waitFor } from '../../support/eventually';

const logger = (): Logger & { warnings: string[] } => {
  const warnings: string[] = [];
  const log = { warnings, error: () => undefined, warn: (m: string) => warnings.push(m), info: () => undefined, debug: () => undefined, child: () => log };
  return log;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  it('runs again after each run ends, never two at once, and keeps going after a failure', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const log = logger();
    const task = new PeriodicTask('job', 5, async () => {
      runs += 1;
      running += 1;
      overlapped ||= running > 1;
      await sleep(15);
      running -= 1;
      if (runs === 2) throw new Error('boom');
    }, log);
    task.start();
    await waitFor('three runs', () => runs >= 3);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(overlapped).toBe(false);
    expect(log.warnings).toEqual(['job failed; retrying at the next interval']);
  });

  it('stop() aborts the run in progress and waits for it; nothing runs afterwards', async () => {
    let aborted = false;
    let runs = 0;
    const task = new PeriodicTask('job', 1, async (signal) => {
      runs += 1;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      aborted = true;
    }, logger());
    task.start();
    await waitFor('a run in progress', () => runs === 1);
    await task.stop();
    expect(aborted).toBe(true);
    const after = runs;
    // Absence can only be watched for a while: twenty intervals of this task.
    await sleep(20);
    expect(runs).toBe(after);
  });
});
