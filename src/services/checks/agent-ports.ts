/**
 * What the agents' services need from outside (docs/checks.md, "Agents and plugins"): the broker channel
 * to agents (lib/agent/core-client.ts implements it) and the plugin signer. Bound in src/container.ts.
 */
import type { BundleContent, SignedBundle } from '../../../lib/agent/bundle';
import type { RequestOutcome } from '../../../lib/agent/core-client';
import type { AgentRequest } from '../../../lib/agent/protocol';

export const AGENT_CHANNEL = Symbol.for('AgentChannel');
export const AGENT_EXECUTOR_OPTIONS = Symbol.for('AgentExecutorOptions');

export interface AgentChannel {
  request(agent: string, request: AgentRequest, timeoutMs: number): Promise<RequestOutcome>;
}

/** Signs plugin bundles with the core's Ed25519 key (PLUGIN_SIGNING_KEY_FILE); none generated silently. */
export interface PluginSigner {
  /** Why signing is impossible (no key configured, unreadable, not Ed25519); undefined when it works. */
  readonly unavailableReason: string | undefined;
  sign(content: BundleContent): SignedBundle;
  /** The public key agents trust, as SPKI PEM. */
  publicKeyPem(): string;
}

/** Where the executor gets plugins and what it knows of agents' installs. */
export interface PluginSource {
  /** The newest signed bundle of a plugin, or undefined when none was uploaded. */
  latestBundle(name: string): Promise<SignedBundle | undefined>;
  /** The version the agent last said (announcement or install reply) it has, if known. */
  installedVersion(agent: string, plugin: string): Promise<string | undefined>;
  noteInstalled(agent: string, plugin: string, version: string, sha256: string): void;
}

export interface AgentExecutorOptions {
  /** Beyond the job's timeoutMs, how long a reply may take to travel (the agent kills the plugin at timeoutMs). */
  readonly replyGraceMs: number;
  /** Bytes of a plugin's output kept; more kills it. */
  readonly outputLimit: number;
}

export const DEFAULT_AGENT_EXECUTOR_OPTIONS: AgentExecutorOptions = { replyGraceMs: 2000, outputLimit: 64 * 1024 };
