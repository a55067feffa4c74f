import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';
import { freePort } from './free-port';
import { stopChild } from './stop-child';

/** Debian's prometheus 2.42 (package `prometheus`): the reference the differential tests compare MyMONIT with. */
export const PROMETHEUS = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => fs.existsSync(p));

export interface PrometheusOptions {
  /** A TSDB directory to serve (e.g. blocks written by `promtool tsdb create-blocks-from`); a fresh temp dir otherwise. */
  storagePath?: string;
  /** Rule files' contents (YAML), written into the temp dir and listed under `rule_files`. */
  ruleFiles?: string[];
  /** `global.evaluation_interval`, e.g. '15s' (Prometheus's default is 1m). */
  evaluationInterval?: string;
  /** Extra YAML appended to the configuration (e.g. scrape_configs). */
  extraConfig?: string;
  /** Extra command-line flags. */
  flags?: string[];
}

export interface PrometheusServer {
  /** e.g. http://127.0.0.1:PORT (the API is under /api/v1). */
  baseUrl: string;
  port: number;
  dir: string;
  /** What the process printed on stderr so far (its log). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts a real Prometheus on a free loopback port and resolves once `/-/ready` answers 200. It fails
 * loudly (with the process's stderr) when the binary is missing or the server cannot start. The caller
 * stops it in afterAll; stop() sends SIGTERM, then SIGKILL if it lingers, and removes the temp dir.
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  if (!PROMETHEUS) {
    throw new Error('prometheus is missing: apt-get install -y prometheus (Debian 12 ships 2.42). This test does not skip.');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-prometheus-'));
  const storagePath = options.storagePath ?? path.join(dir, 'data');
  const ruleFiles = (options.ruleFiles ?? []).map((content, i) => {
    const file = path.join(dir, `rules-${i}.yml`);
    fs.writeFileSync(file, content);
    return file;
  });
  const config = [
    'global:',
    `  evaluation_interval: ${options.evaluationInterval ?? '1m'}`,
    ...(ruleFiles.length > 0 ? ['rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
    options.extraConfig ?? '',
  ].join('\n');
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, `${config}\n`);

  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${storagePath}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Generated data lies in the past: a short retention would delete it at the first reload.
      '--storage.tsdb.retention.time=100y',
      '--log.level=warn',
      // Prometheus's default, said out loud; a caller may pass another (a flag may not be repeated).
      ...((options.flags ?? []).some((f) => f.startsWith('--query.lookback-delta')) ? [] : ['--query.lookback-delta=5m']),
      ...(options.flags ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;

  const ready = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`);
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

  try {
    await eventually(ready, (ok) => ok, { timeoutMs: 30_000, intervalMs: 100, what: `prometheus ready on ${baseUrl}` });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nprometheus stderr:\n${stderr}`, { cause: error });
  }
  return { baseUrl, port, dir, log: () => stderr, stop };
}
