import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { eventually } from './eventually';
import { freePort } from './free-port';

/** A real prometheus-node-exporter (the Debian package) on a free loopback port; stop() ends it. */
export interface NodeExporter {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const BINARY = 'prometheus-node-exporter';

export async function startNodeExporter(): Promise<NodeExporter> {
  if (spawnSync('sh', ['-c', `command -v ${BINARY}`]).status !== 0) {
    throw new Error(
      `${BINARY} is not installed: 'apt-get update && apt-get install -y prometheus-node-exporter' (.ci/run does it). ` +
        'The prometheus adapter is tested against the real exporter; this test does not skip.',
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn(BINARY, [`--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}/metrics`;
  const answering = async () => {
    if (child.exitCode !== null) throw new Error(`${BINARY} exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(url);
      await response.text();
      return response.ok;
    } catch {
      return false; // not listening yet
    }
  };
  await eventually(answering, (ok) => ok, { timeoutMs: 15_000, what: `${BINARY} answering on ${url}` }).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}: ${stderr}`);
  });
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
