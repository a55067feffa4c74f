import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian's amtool (package `prometheus-alertmanager`, Alertmanager 0.25): the tests check configurations with it. */
export const AMTOOL = ['/usr/bin/amtool', '/usr/local/bin/amtool'].find((p) => fs.existsSync(p));

export interface AmtoolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function amtool(args: readonly string[]): AmtoolResult {
  if (!AMTOOL) throw new Error('amtool is missing: apt-get install -y prometheus-alertmanager (Debian ships amtool in it)');
  const run = spawnSync(AMTOOL, args, { encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
