import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { clipMessage } from '../../lib/agent/protocol';
import { parsePluginOutput } from '../../lib/agent/plugin-output';
import type { PluginIdentity } from './identity';

export interface PluginRun {
  readonly entry: string;
  readonly cwd: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
  /** Bytes of standard output (and, separately, of standard error) kept; more kills the plugin. */
  readonly outputLimit: number;
  readonly env: Readonly<Record<string, string>>;
}

export interface PluginRunResult {
  readonly outcome: 'ok' | 'failed' | 'timeout' | 'error';
  readonly value: number | null;
  readonly message: string;
  readonly durationMs: number;
}

const STDERR_TAIL = 1000;

/** Process groups of the plugins running now: killed when the agent stops, so none outlives it. */
const running = new Set<number>();

export function killRunningPlugins(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Runs a plugin as a child process in a process group of its own (so that a timeout or an output over the
 * limit kills whatever it started too), as `identity`, with a minimal environment. Never throws.
 */
export function runPlugin(run: PluginRun, identity: PluginIdentity): Promise<PluginRunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let stopped: 'timeout' | 'output' | undefined;
    let spawnError: Error | undefined;
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    const child = spawn(run.entry, [...run.args], {
      cwd: run.cwd,
      env: { ...run.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(identity.uid === undefined ? {} : { uid: identity.uid, gid: identity.gid }),
    });
    if (child.pid !== undefined) running.add(child.pid);
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      stopped ??= 'timeout';
      killGroup();
    }, run.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      const room = run.outputLimit - stdoutBytes;
      stdout.push(chunk.subarray(0, Math.max(0, room)));
      stdoutBytes += chunk.length;
      if (stdoutBytes > run.outputLimit) {
        stopped = 'output';
        killGroup();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      const durationMs = performance.now() - started;
      const done = (outcome: PluginRunResult['outcome'], value: number | null, message: string) =>
        resolve({ outcome, value, message: clipMessage(message), durationMs });
      if (spawnError) return done('error', null, `cannot start the plugin: ${spawnError.message}`);
      if (stopped === 'timeout') return done('timeout', null, `the plugin ran longer than ${run.timeoutMs} ms: killed`);
      if (stopped === 'output') return done('error', null, `the plugin printed more than the output limit of ${run.outputLimit} bytes: output cut, plugin killed`);
      const output = parsePluginOutput(Buffer.concat(stdout).toString('utf8'));
      if (signal) return done('error', null, `the plugin was killed by ${signal}${stderr ? `: ${stderr.trim()}` : ''}`);
      if (code === 0) return output.ok ? done('ok', output.value, output.message) : done('error', null, output.reason);
      if (output.ok) return done('failed', output.value, output.message);
      return done('failed', null, `the plugin exited with status ${code ?? 'unknown'}${stderr ? `: ${stderr.trim()}` : ''}`);
    });
  });
}
