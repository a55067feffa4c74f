import { inject, injectable, optional } from 'inversify';
import type { SignedBundle } from '../../../lib/agent/bundle';
import type { RequestOutcome } from '../../../lib/agent/core-client';
import { bundleToWire, clipMessage, type AgentRequest, type MeshRow } from '../../../lib/agent/protocol';
import type { CheckKind } from '../../checks/model';
import type { CheckExecutor, CheckJob, CheckRunResult, JsonValue } from '../../checks/ports';
import { TYPES } from '../../identifiers';
import {
  AGENT_CHANNEL,
  AGENT_EXECUTOR_OPTIONS,
  DEFAULT_AGENT_EXECUTOR_OPTIONS,
  type AgentChannel,
  type AgentExecutorOptions,
  type PluginSource,
} from './agent-ports';

type Outcome = CheckRunResult['outcome'];

/**
 * Runs plugin and mesh checks on the host's agent (job.host.agent), over the agents' protocol. A plugin
 * run first makes sure the agent has the plugin's newest signed version (pushing the bundle when the
 * agent lacks it, as Prophasis's dispatcher did), then asks for the run. The reply is awaited up to the
 * job's timeoutMs plus a grace for the trip: the agent kills the plugin at timeoutMs and says so.
 * One request at a time per agent is the agent's doing (its queue's prefetch is 1).
 */
@injectable()
export class AgentExecutor implements CheckExecutor {
  readonly kinds: readonly CheckKind[] = ['plugin', 'mesh'];
  private readonly options: AgentExecutorOptions;

  constructor(
    @inject(AGENT_CHANNEL) private readonly channel: AgentChannel,
    @inject(TYPES.AgentService) private readonly plugins: PluginSource,
    @inject(AGENT_EXECUTOR_OPTIONS) @optional() options?: Partial<AgentExecutorOptions>,
  ) {
    this.options = { ...DEFAULT_AGENT_EXECUTOR_OPTIONS, ...options };
  }

  async execute(job: CheckJob, signal: AbortSignal): Promise<CheckRunResult> {
    const startedAtMs = Date.now();
    const started = performance.now();
    const end = (outcome: Outcome, message: string, extra: Partial<CheckRunResult> = {}): CheckRunResult => ({
      outcome,
      message: clipMessage(message),
      startedAtMs,
      durationMs: performance.now() - started,
      ...extra,
    });
    const agent = job.host.agent;
    if (agent === undefined || agent === '') return end('error', `host ${job.host.name} has no agent: ${job.kind} checks run on the host's agent`);
    const deadline = started + job.timeoutMs + this.options.replyGraceMs;
    const ask = (request: AgentRequest) => this.ask(agent, request, deadline, signal);
    try {
      return job.kind === 'mesh' ? await this.mesh(job, agent, ask, end) : await this.plugin(job, agent, ask, end);
    } catch (error) {
      return end('error', `the agent executor failed: ${(error as Error).message}`);
    }
  }

  private async plugin(job: CheckJob, agent: string, ask: Ask, end: End): Promise<CheckRunResult> {
    if (job.kind !== 'plugin' || !job.plugin) return end('error', `check ${job.checkName} names no plugin`);
    const bundle = await this.plugins.latestBundle(job.plugin);
    if (!bundle) return end('error', `plugin ${job.plugin} has not been uploaded`);
    let pushed = false;
    if ((await this.plugins.installedVersion(agent, bundle.name)) !== bundle.version) {
      const failed = await this.push(agent, bundle, ask, end);
      if (failed) return failed;
      pushed = true;
    }
    const args = job.params.kind === 'plugin' ? job.params.args : [];
    const run: AgentRequest = {
      type: 'run',
      job: { check: job.checkName, plugin: bundle.name, version: bundle.version, args: [...args], timeoutMs: job.timeoutMs, outputLimit: this.options.outputLimit },
    };
    for (;;) {
      const outcome = await ask(run);
      if (outcome.kind !== 'reply') return this.unanswered(agent, outcome, end);
      const reply = outcome.reply;
      if (reply.type !== 'result') return end('error', unexpected(agent, reply.type === 'error' ? reply.reason : reply.type));
      // The agent lost or replaced the plugin since it last said: push it once and ask again.
      if (reply.missing && !pushed) {
        const failed = await this.push(agent, bundle, ask, end);
        if (failed) return failed;
        pushed = true;
        continue;
      }
      return end(reply.outcome, reply.message, reply.value === null ? { durationMs: reply.durationMs } : { value: reply.value, durationMs: reply.durationMs });
    }
  }

  /** Sends the bundle; the run's result when the agent refused it or did not answer, undefined when installed. */
  private async push(agent: string, bundle: SignedBundle, ask: Ask, end: End): Promise<CheckRunResult | undefined> {
    const outcome = await ask({ type: 'install', bundle: bundleToWire(bundle) });
    if (outcome.kind !== 'reply') return this.unanswered(agent, outcome, end);
    const reply = outcome.reply;
    if (reply.type === 'installed') {
      this.plugins.noteInstalled(agent, bundle.name, bundle.version, bundle.sha256);
      return undefined;
    }
    if (reply.type === 'refused') return end('error', `agent ${agent} refused plugin ${bundle.name} ${bundle.version} (${reply.code}): ${reply.reason}`);
    return end('error', unexpected(agent, reply.type === 'error' ? reply.reason : reply.type));
  }

  private async mesh(job: CheckJob, agent: string, ask: Ask, end: End): Promise<CheckRunResult> {
    if (job.params.kind !== 'mesh') return end('error', `check ${job.checkName} is not a mesh check`);
    const peers = job.peers ?? [];
    if (peers.length === 0) return end('error', `host ${job.host.name} has no peers to probe`);
    const port = job.params.port;
    const outcome = await ask({
      type: 'mesh',
      job: { check: job.checkName, timeoutMs: job.timeoutMs, peers: peers.map((peer) => ({ host: peer.name, address: peer.address, port })) },
    });
    if (outcome.kind !== 'reply') return this.unanswered(agent, outcome, end);
    const reply = outcome.reply;
    if (reply.type !== 'mesh-result') return end('error', unexpected(agent, reply.type === 'error' ? reply.reason : reply.type));
    const fields = new Map<string, number>();
    for (const row of reply.rows) if (row.latencyMs !== null) fields.set(`latency_ms_${row.host}`, row.latencyMs);
    const down = reply.rows.filter((row) => !row.ok);
    const latencies = reply.rows.flatMap((row) => (row.latencyMs === null ? [] : [row.latencyMs]));
    const details: JsonValue = { prober: job.host.name, port, rows: reply.rows.map(rowJson) };
    const summary = `${reply.rows.length - down.length}/${reply.rows.length} peers reachable on port ${port}`;
    const message = down.length === 0 ? summary : `${summary}; unreachable: ${down.map((row) => `${row.host} (${row.error ?? 'no connection'})`).join(', ')}`;
    return end(down.length === 0 ? 'ok' : 'failed', message, {
      ...(latencies.length > 0 ? { value: Math.max(...latencies) } : {}),
      fields,
      details,
      durationMs: reply.durationMs,
    });
  }

  private unanswered(agent: string, outcome: Exclude<RequestOutcome, { kind: 'reply' }>, end: End): CheckRunResult {
    switch (outcome.kind) {
      case 'timeout':
        return end('timeout', `agent ${agent} did not answer in time`);
      case 'unroutable':
        return end('error', `agent ${agent} is not connected`);
      case 'unavailable':
        return end('error', `cannot reach agents: ${outcome.reason}`);
    }
  }

  private async ask(agent: string, request: AgentRequest, deadline: number, signal: AbortSignal): Promise<RequestOutcome> {
    const remaining = deadline - performance.now();
    if (remaining <= 0) return { kind: 'timeout' };
    if (signal.aborted) return { kind: 'unavailable', reason: 'the run was cancelled' };
    let onAbort!: () => void;
    const aborted = new Promise<RequestOutcome>((resolve) => {
      onAbort = () => resolve({ kind: 'unavailable', reason: 'the run was cancelled' });
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.channel.request(agent, request, remaining), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

type Ask = (request: AgentRequest) => Promise<RequestOutcome>;
type End = (outcome: Outcome, message: string, extra?: Partial<CheckRunResult>) => CheckRunResult;

function unexpected(agent: string, what: string): string {
  return `agent ${agent} answered unexpectedly: ${what}`;
}

function rowJson(row: MeshRow): JsonValue {
  return { host: row.host, address: row.address, port: row.port, ok: row.ok, latency_ms: row.latencyMs, ...(row.error === undefined ? {} : { error: row.error }) };
}
