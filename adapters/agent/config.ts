import { z } from 'zod';
import { AGENT_NAME } from '../../lib/agent/protocol';
import { loadAdapterConfig, logLevelSchema, rabbitSchema, type ConfigSources, type EnvBinding } from '../common/config';

export const agentConfigSchema = z.strictObject({
  /** The broker the core uses: only url, user, password, exchange (the core's RABBIT_EXCHANGE) and connectionName matter. */
  rabbit: rabbitSchema.prefault({}),
  /** Read from MYMONIT_EXPERIMENT by every adapter's loader; an agent has no use for it. */
  experiment: z.string().optional(),
  logLevel: logLevelSchema,
  agent: z.strictObject({
    /** What hosts name in their `agent` field; one process per name (its queue is exclusive). */
    name: z.string({ error: 'required: the agent name hosts refer to' }).regex(AGENT_NAME, 'letters, digits and _ . : - (at most 128)'),
    /** Where verified plugins are kept, one directory per plugin; created if missing. */
    pluginDir: z.string({ error: 'required: the directory of installed plugins' }).min(1),
    /** The core's Ed25519 public key (PEM): bundles it did not sign are refused. */
    publicKeyFile: z.string({ error: "required: the core's plugin signing public key (PEM)" }).min(1),
    /** When the agent runs as root, plugins run as this user (and its group). */
    runAs: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).default('nobody'),
    announceIntervalMs: z.coerce.number().int().min(1000).default(60_000),
    /** The most output a request may allow a plugin (its outputLimit is capped to this). */
    maxOutputBytes: z.coerce.number().int().min(64).max(16 * 1024 * 1024).default(1024 * 1024),
  }),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const AGENT_ENV: readonly EnvBinding[] = [
  ['AGENT_NAME', 'agent.name'],
  ['AGENT_PLUGIN_DIR', 'agent.pluginDir'],
  ['AGENT_PUBLIC_KEY_FILE', 'agent.publicKeyFile'],
];

export function loadAgentConfig(sources: ConfigSources): AgentConfig {
  return loadAdapterConfig(agentConfigSchema, { ...sources, envBindings: AGENT_ENV, section: 'agent' });
}
