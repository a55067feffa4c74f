import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian's promtool (package `prometheus`): the tests check metrics and rules with the real tool. */
export const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => fs.existsSync(p));

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs promtool with args (and input on stdin), returning its exit status and stdout + stderr. */
export function promtool(args: string[], input?: string): PromtoolResult {
  if (!PROMTOOL) throw new Error('promtool is missing: apt-get install -y prometheus (Debian ships promtool in it)');
  const run = spawnSync(PROMTOOL, args, { input, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
