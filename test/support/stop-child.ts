import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child with SIGTERM (SIGKILL after `graceMs`) and resolves once it has exited, so that a test may
 * remove the directory the child was writing to without racing its last writes.
 */
export async function stopChild(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}
