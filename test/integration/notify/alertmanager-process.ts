import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

/** A real Alertmanager (Debian's prometheus-alertmanager) on a loopback port with its own temporary storage. */
export interface RealAlertmanager {
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startAlertmanager(configYaml: string): Promise<RealAlertmanager> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-am-'));
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), configYaml);
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => {
        if (exited) throw new Error(`Alertmanager exited: ${output.join('')}`);
        return fetch(`${url}/-/ready`).then((r) => r.status, () => 0);
      },
      (status) => status === 200,
      { what: 'Alertmanager ready', timeoutMs: 20_000 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    dir,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
