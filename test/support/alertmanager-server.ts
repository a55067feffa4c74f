import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';
import { freePort } from './free-port';
import { stopChild } from './stop-child';

/** Debian's Alertmanager 0.25 (package `prometheus-alertmanager`): the reference the notification stage is compared with. */
export const ALERTMANAGER = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/alertmanager'].find((p) => fs.existsSync(p));

export interface AlertmanagerOptions {
  /** The configuration (Alertmanager's YAML), written into the temp dir; or `configFile` to use a file as is. */
  config?: string;
  configFile?: string;
  /** Extra command-line flags (e.g. `--log.level=debug`). */
  flags?: string[];
}

export interface AlertmanagerServer {
  /** e.g. http://127.0.0.1:PORT (the API is under /api/v2). */
  baseUrl: string;
  port: number;
  dir: string;
  /** What the process printed on stderr so far (its log). */
  log(): string;
  /** The process's resident CPU time so far in ms (user + system, from /proc), for the benchmark. */
  cpuMs(): number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a real Alertmanager on a free loopback port with a temp `--storage.path` and clustering off
 * (`--cluster.listen-address=`: no gossip, no settle wait), and resolves once `/-/ready` answers 200.
 * Fails loudly (with the process's stderr) when the binary is missing or the server cannot start; the
 * caller stops it in afterAll (SIGTERM, then SIGKILL if it lingers; the temp dir is removed).
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<AlertmanagerServer> {
  if (!ALERTMANAGER) {
    throw new Error('alertmanager is missing: apt-get install -y prometheus-alertmanager (Debian 12 ships 0.25). This test does not skip.');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-alertmanager-'));
  let configFile = options.configFile;
  if (!configFile) {
    if (options.config === undefined) throw new Error('startAlertmanager: give config or configFile');
    configFile = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(configFile, options.config);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      ...(options.flags ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;

  const ready = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`alertmanager exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`);
    }
    try {
      const response = await fetch(`${baseUrl}/-/ready`);
      await response.text();
      return response.status === 200;
    } catch {
      return false; // not listening yet
    }
  };

  const stop = async () => {
    await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const cpuMs = () => {
    try {
      // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks; the command name may hold spaces.
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return Number.NaN;
    }
  };

  try {
    await eventually(ready, (ok) => ok, { timeoutMs: 30_000, intervalMs: 50, what: `alertmanager ready on ${baseUrl}` });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nalertmanager stderr:\n${stderr}`, { cause: error });
  }
  return { baseUrl, port, dir, pid: child.pid ?? -1, log: () => stderr, cpuMs, stop };
}
