import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { eventually } from './eventually';
import { freePort } from './free-port';

/** Debian's prometheus server (package `prometheus`, 2.42), on a free loopback port with a temp storage dir. */
export interface RealPrometheus {
  url: string;
  /** What it logged so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const BINARY = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => fs.existsSync(p));

export async function startPrometheus(config: Record<string, unknown>): Promise<RealPrometheus> {
  if (!BINARY) throw new Error('prometheus is not installed: apt-get install -y prometheus. This test does not skip.');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const child: ChildProcess = spawn(
    BINARY,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=info'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        fs.rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  const ready = async () => {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      await response.text();
      return response.ok;
    } catch {
      return false; // not listening yet
    }
  };
  await eventually(ready, (ok) => ok, { timeoutMs: 30_000, intervalMs: 100, what: `prometheus ready on ${url}` }).catch(async (error: Error) => {
    await stop();
    throw new Error(`${error.message}: ${log}`);
  });
  return { url, log: () => log, stop };
}
