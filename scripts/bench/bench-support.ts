import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as amqp from 'amqplib';
import type { Config } from '../../src/config';

/** Helpers shared by the ingest benchmark and its child consumers: processes, queues, memory, timing. */

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resident and peak resident memory of a process, from /proc (Linux), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a child's RSS every 100 ms; `peak` is the highest of the samples and the kernel's high-water mark. */
export class RssSampler {
  private peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
  }

  sample(): void {
    const memory = memoryOf(this.pid);
    if (memory) this.peakBytes = Math.max(this.peakBytes, memory.rss, memory.peak);
  }

  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peakBytes;
  }
}

/** A child node process whose stderr is kept (the last lines are shown if it fails). */
export interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

export function startNode(script: string, args: string[], env: Record<string, string>): Child {
  // BENCH_NODE_ARGS: flags for the children, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a consumer.
  const flags = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, exited, output: () => output };
}

export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<number | null> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.process.exitCode;
  child.process.kill(signal);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `condition` holds; throws with `what` (and the child's output, if any) after timeoutMs. */
export async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 20,
  child?: Child,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (child && child.process.exitCode !== null) {
      throw new Error(`${what}: the child exited with ${child.process.exitCode}\n${child.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${child ? `\n${child.output()}` : ''}`);
    await sleep(intervalMs);
  }
}

/** Ready messages of a queue (unacked ones are not counted by the broker here). */
export async function readyMessages(connection: amqp.ChannelModel, queue: string): Promise<{ messages: number; consumers: number }> {
  const channel = await connection.createChannel();
  try {
    const reply = await channel.checkQueue(queue);
    return { messages: reply.messageCount, consumers: reply.consumerCount };
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * Publishes bodies to the exchange with publisher confirms, keeping at most `window` unconfirmed: as fast as
 * the broker takes them, and nothing is counted as published that the broker did not confirm.
 */
/**
 * Publishes `count` persistent messages with publisher confirms, at most `window` unconfirmed at a time (a
 * sliding window: each confirm lets the next message go), and resolves once all are confirmed.
 */
export async function publishAll(
  channel: amqp.ConfirmChannel,
  rabbit: Config['rabbit'],
  count: number,
  body: (index: number) => Buffer,
  window = 2_000,
): Promise<void> {
  let unconfirmed = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const confirmed = (error: unknown) => {
    unconfirmed--;
    if (error) failure ??= error instanceof Error ? error : new Error(String(error));
    wake?.();
  };
  const below = async (limit: number) => {
    while (unconfirmed > limit && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  };
  for (let index = 0; index < count; index++) {
    unconfirmed++;
    const accepted = channel.publish(
      rabbit.exchange,
      rabbit.routingKey,
      body(index),
      { persistent: true, contentType: 'application/json', messageId: `bench-${index}` },
      confirmed,
    );
    if (!accepted) await new Promise((resolve) => channel.once('drain', resolve));
    await below(window - 1);
  }
  await below(0);
}

export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return 0;
  }
}

/** The pids whose command name is `name` (Linux /proc). */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Who used the two cores during a phase: CPU seconds of MariaDB/MySQL, RabbitMQ, this process and the
 * phase's child, read from /proc at the start and the end. It shows which process bounds a phase.
 */
export class CpuAccount {
  private readonly start: Map<string, number>;

  constructor(private readonly childPid?: number) {
    this.start = this.read();
  }

  private read(): Map<string, number> {
    const sum = (pids: number[]) => pids.reduce((total, pid) => total + cpuSecondsOf(pid), 0);
    const usage = new Map<string, number>([
      ['mysql', sum([...pidsNamed('mariadbd'), ...pidsNamed('mysqld')])],
      ['rabbitmq', sum(pidsNamed('beam.smp'))],
      ['bench', cpuSecondsOf(process.pid)],
    ]);
    if (this.childPid !== undefined) usage.set('consumer', cpuSecondsOf(this.childPid));
    return usage;
  }

  /** "mysql 2.1 s, rabbitmq 0.3 s, ..." over the phase, with each as a share of the phase's wall time. */
  stop(wallSeconds: number): string {
    const end = this.read();
    return [...end]
      .map(([name, seconds]) => {
        const used = seconds - (this.start.get(name) ?? 0);
        return `${name} ${used.toFixed(2)} s (${Math.round((100 * used) / wallSeconds)}%)`;
      })
      .join(', ');
  }
}
