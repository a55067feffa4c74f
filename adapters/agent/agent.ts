import fs from 'node:fs';
import * as amqp from 'amqplib';
import { backoffDelay, sleep } from '../../lib/amqp/backoff';
import { withHeartbeat } from '../../lib/amqp/heartbeat';
import { ed25519PublicKey } from '../../lib/agent/bundle';
import {
  agentQueue,
  agentRequestSchema,
  agentsExchange,
  ANNOUNCE_ROUTING_KEY,
  bundleFromWire,
  parseMessage,
  type AgentReply,
  type AgentRequest,
  type Announce,
  type MeshRequest,
  type RunRequest,
} from '../../lib/agent/protocol';
import { rabbitUrl } from '../common/config';
import type { AdapterLogger } from '../common/logger';
import { mymonitVersion } from '../common/version';
import type { AgentConfig } from './config';
import { pluginIdentity, unreachableAncestor, type PluginIdentity } from './identity';
import { probePeers } from './mesh';
import { PluginStore } from './plugin-store';
import { killRunningPlugins, runPlugin } from './runner';

const PLUGIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The agent: connects outward to RabbitMQ (nothing listens here), announces itself and its plugins, and
 * answers the core's requests from its own queue one at a time (prefetch 1), in the order sent: install a
 * signed plugin, run one, probe mesh peers. See docs/checks.md, "Agents and plugins".
 */
export class Agent {
  private readonly store: PluginStore;
  private readonly identity: PluginIdentity;
  private readonly stopping = new AbortController();
  private channel: amqp.Channel | undefined;
  private connection: amqp.ChannelModel | undefined;
  private loop: Promise<void> | undefined;
  private announceTimer: NodeJS.Timeout | undefined;
  private readonly counters = { installed: 0, refused: 0, runs: 0, meshes: 0, invalid: 0 };

  constructor(
    private readonly config: AgentConfig,
    private readonly logger: AdapterLogger,
  ) {
    const key = ed25519PublicKey(fs.readFileSync(config.agent.publicKeyFile));
    this.identity = pluginIdentity(config.agent.runAs);
    this.store = new PluginStore(config.agent.pluginDir, key, logger);
  }

  /** Loads the installed plugins and connects; resolves once connected the first time (or stopped). */
  async start(): Promise<void> {
    this.store.load();
    if (this.identity.uid !== undefined) {
      const blocked = unreachableAncestor(this.config.agent.pluginDir);
      if (blocked) throw new Error(`agent.pluginDir: ${blocked} is not traversable by others (o+x), so ${this.config.agent.runAs} cannot reach the plugins`);
    }
    this.logger.info('agent starting', {
      agent: this.config.agent.name,
      plugins: this.store.list().map((p) => `${p.name}@${p.version}`),
      runAs: this.identity.description,
    });
    let connected!: () => void;
    const first = new Promise<void>((resolve) => (connected = resolve));
    this.loop = this.run(connected);
    await Promise.race([first, this.loop]);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.announceTimer);
    killRunningPlugins();
    await this.connection?.close().catch(() => undefined);
    await this.loop;
  }

  summary(): Record<string, unknown> {
    return { agent: this.config.agent.name, ...this.counters };
  }

  private async run(connected: () => void): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; ) {
      let lost: Promise<Error>;
      try {
        ({ lost } = await this.connect());
        attempt = 0;
        connected();
      } catch (error) {
        const message = (error as Error).message;
        const delay = backoffDelay(attempt++, 500, 30_000);
        if (/RESOURCE_LOCKED/.test(message)) {
          this.logger.error('another agent with this name is connected (its queue is exclusive); retrying', { agent: this.config.agent.name, retryInMs: delay });
        } else {
          this.logger.warn('cannot connect to RabbitMQ, retrying', { error: message, retryInMs: delay });
        }
        await sleep(delay, this.stopping.signal);
        continue;
      }
      const cause = await lost;
      clearInterval(this.announceTimer);
      this.channel = undefined;
      this.connection = undefined;
      if (!this.stopping.signal.aborted) this.logger.warn('RabbitMQ connection lost, reconnecting', { error: cause.message });
    }
  }

  private async connect(): Promise<{ lost: Promise<Error> }> {
    const { rabbit, agent } = this.config;
    const connection = await amqp.connect(withHeartbeat(rabbitUrl(rabbit), 15), {
      clientProperties: { connection_name: rabbit.connectionName ?? `mymonit-agent ${agent.name} ${process.pid}` },
      timeout: 10_000,
    });
    let cause: Error | undefined;
    let onLost!: (error: Error) => void;
    const lost = new Promise<Error>((resolve) => (onLost = resolve));
    connection.on('error', (error: Error) => (cause ??= error));
    connection.on('close', () => onLost(cause ?? new Error('connection closed')));
    try {
      const channel = await connection.createChannel();
      channel.on('error', (error: Error) => (cause ??= error));
      channel.on('close', () => void connection.close().catch(() => undefined));
      await channel.assertExchange(agentsExchange(rabbit.exchange), 'topic', { durable: true });
      const queue = agentQueue(rabbit.exchange, agent.name);
      // Exclusive: a second agent of the same name is refused by the broker instead of sharing the work.
      await channel.assertQueue(queue, { exclusive: true, durable: false, autoDelete: true });
      await channel.prefetch(1);
      await channel.consume(queue, (message) => message && void this.onRequest(channel, message), { noAck: false });
      this.channel = channel;
      this.connection = connection;
      this.announce();
      this.announceTimer = setInterval(() => this.announce(), agent.announceIntervalMs);
      this.logger.info('agent connected', { agent: agent.name, queue });
      return { lost };
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  private announce(): void {
    const announce: Announce = {
      type: 'announce',
      agent: this.config.agent.name,
      version: mymonitVersion(),
      plugins: this.store.list().map((p) => ({ name: p.name, version: p.version, sha256: p.sha256 })),
    };
    try {
      this.channel?.publish(agentsExchange(this.config.rabbit.exchange), ANNOUNCE_ROUTING_KEY, Buffer.from(JSON.stringify(announce)), {
        contentType: 'application/json',
      });
    } catch (error) {
      this.logger.warn('announcing failed', { error: (error as Error).message });
    }
  }

  private async onRequest(channel: amqp.Channel, message: amqp.ConsumeMessage): Promise<void> {
    const parsed = parseMessage(agentRequestSchema, message.content);
    let reply: AgentReply;
    if (parsed.ok) {
      reply = await this.handle(parsed.value);
    } else {
      this.counters.invalid += 1;
      this.logger.warn('invalid request refused', { reason: parsed.reason });
      reply = { type: 'error', reason: `invalid request: ${parsed.reason}` };
    }
    const { replyTo, correlationId } = message.properties as { replyTo?: string; correlationId?: string };
    try {
      if (replyTo) channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(reply)), { correlationId, contentType: 'application/json' });
      channel.ack(message);
    } catch (error) {
      // The channel is gone: the broker requeues the request; the core has its timeout.
      this.logger.warn('replying failed', { error: (error as Error).message });
    }
  }

  /** One request's reply; never throws. */
  async handle(request: AgentRequest): Promise<AgentReply> {
    try {
      switch (request.type) {
        case 'install':
          return this.install(request.bundle);
        case 'run':
          return await this.runJob(request);
        case 'mesh':
          return await this.mesh(request);
      }
    } catch (error) {
      this.logger.error('request failed', { type: request.type, error: (error as Error).message });
      return { type: 'error', reason: `the agent failed: ${(error as Error).message}` };
    }
  }

  private install(wire: Extract<AgentRequest, { type: 'install' }>['bundle']): AgentReply {
    const bundle = bundleFromWire(wire);
    const outcome = bundle.ok ? this.store.install(bundle.value) : ({ ok: false, code: 'invalid', reason: bundle.reason } as const);
    if (!outcome.ok) {
      this.counters.refused += 1;
      this.logger.warn('plugin refused', { plugin: wire.name, version: wire.version, code: outcome.code, reason: outcome.reason });
      return { type: 'refused', plugin: wire.name, version: wire.version, code: outcome.code, reason: outcome.reason };
    }
    if (!outcome.already) {
      this.counters.installed += 1;
      this.logger.info('plugin installed', { plugin: wire.name, version: wire.version, sha256: outcome.plugin.sha256 });
      this.announce();
    }
    return { type: 'installed', plugin: wire.name, version: wire.version };
  }

  private async runJob({ job }: RunRequest): Promise<AgentReply> {
    const plugin = this.store.get(job.plugin);
    if (!plugin || plugin.version !== job.version) {
      return {
        type: 'result',
        outcome: 'error',
        value: null,
        message: `plugin ${job.plugin} ${job.version} is not installed on agent ${this.config.agent.name}${plugin ? ` (installed: ${plugin.version})` : ''}`,
        durationMs: 0,
        missing: true,
      };
    }
    this.counters.runs += 1;
    const result = await runPlugin(
      {
        entry: plugin.entry,
        cwd: plugin.dir,
        args: job.args,
        timeoutMs: job.timeoutMs,
        outputLimit: Math.min(job.outputLimit, this.config.agent.maxOutputBytes),
        env: {
          PATH: PLUGIN_PATH,
          LANG: 'C.UTF-8',
          HOME: plugin.dir,
          MYMONIT_CHECK: job.check,
          MYMONIT_PLUGIN: plugin.name,
          MYMONIT_PLUGIN_VERSION: plugin.version,
          MYMONIT_AGENT: this.config.agent.name,
        },
      },
      this.identity,
    );
    this.logger.info('plugin ran', { check: job.check, plugin: job.plugin, version: job.version, outcome: result.outcome, durationMs: Math.round(result.durationMs) });
    return { type: 'result', ...result };
  }

  private async mesh({ job }: MeshRequest): Promise<AgentReply> {
    this.counters.meshes += 1;
    const started = performance.now();
    const rows = await probePeers(job.peers, job.timeoutMs);
    return { type: 'mesh-result', rows, durationMs: performance.now() - started };
  }
}
