import { z } from 'zod';
import type { SignedBundle } from './bundle';
import { isPluginVersion } from './version';

/**
 * The protocol between the core and its agents, over RabbitMQ (docs/checks.md, "Agents and plugins").
 * Agents connect outward; nothing listens on them.
 *
 * - The exchange `<RABBIT_EXCHANGE>.agents` (topic, durable): agents publish their announcement there with
 *   routing key `announce`; the core reads them from the durable queue `<exchange>.announcements`.
 * - Each agent consumes its own exclusive queue `<exchange>.agent.<name>` (one process per name) with
 *   prefetch 1: one request at a time, in the order sent. The core publishes requests to it through the
 *   default exchange, `mandatory` (no agent connected: the broker returns the request at once), with a
 *   correlation id, its reply queue as replyTo and an expiration (a request not started in time is dropped).
 * - Replies go to replyTo with the request's correlation id.
 *
 * Every message is one JSON object with a `type`, validated here at both ends; binary content is base64.
 */
export const ANNOUNCE_ROUTING_KEY = 'announce';
export const agentsExchange = (exchange: string): string => `${exchange}.agents`;
export const announcementsQueue = (exchange: string): string => `${exchange}.agents.announcements`;
export const agentQueue = (exchange: string, agent: string): string => `${exchange}.agents.agent.${agent}`;

/** Agent and plugin names: they become queue names and directory names. */
export const AGENT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;
export const PLUGIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
/** A relative path without `.`/`..` segments, hidden files or characters a shell would mind. */
export const BUNDLE_PATH = /^(?!.*(^|\/)\.)[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}(\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}){0,7}$/;
export const MAX_BUNDLE_FILES = 64;
export const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;
export const MAX_MESSAGE_CHARS = 2000;
export const MAX_PLUGIN_ARGS = 64;

const agentName = z.string().regex(AGENT_NAME, 'an agent name: letters, digits, _ . : - (at most 128)');
const pluginName = z.string().regex(PLUGIN_NAME, 'a plugin name: letters, digits, _ . - (at most 64)');
const pluginVersion = z.string().refine(isPluginVersion, 'a version: an integer or MAJOR.MINOR.PATCH');
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256');
const finite = z.number().refine(Number.isFinite, 'a finite number');
const millis = z.number().int().min(1).max(24 * 3600 * 1000);

export const bundleWireSchema = z.strictObject({
  format: z.literal(1),
  name: pluginName,
  version: pluginVersion,
  entry: z.string().regex(BUNDLE_PATH, 'a relative path'),
  files: z
    .array(z.strictObject({ path: z.string().regex(BUNDLE_PATH, 'a relative path'), content: base64 }))
    .min(1)
    .max(MAX_BUNDLE_FILES),
  sha256: sha256Hex,
  signature: base64.optional(),
});
export type BundleWire = z.infer<typeof bundleWireSchema>;

export const announceSchema = z.strictObject({
  type: z.literal('announce'),
  agent: agentName,
  version: z.string().max(64),
  plugins: z.array(z.strictObject({ name: pluginName, version: pluginVersion, sha256: sha256Hex })).max(1000),
});
export type Announce = z.infer<typeof announceSchema>;

export const meshPeerSchema = z.strictObject({
  host: z.string().min(1).max(255),
  address: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
});
export type MeshPeer = z.infer<typeof meshPeerSchema>;

export const installRequestSchema = z.strictObject({ type: z.literal('install'), bundle: bundleWireSchema });
export const runRequestSchema = z.strictObject({
  type: z.literal('run'),
  job: z.strictObject({
    check: z.string().min(1).max(255),
    plugin: pluginName,
    version: pluginVersion,
    args: z.array(z.string().max(4096)).max(MAX_PLUGIN_ARGS),
    timeoutMs: millis,
    outputLimit: z.number().int().min(64).max(16 * 1024 * 1024),
  }),
});
export const meshRequestSchema = z.strictObject({
  type: z.literal('mesh'),
  job: z.strictObject({ check: z.string().min(1).max(255), timeoutMs: millis, peers: z.array(meshPeerSchema).min(1).max(1000) }),
});
export const agentRequestSchema = z.discriminatedUnion('type', [installRequestSchema, runRequestSchema, meshRequestSchema]);
export type InstallRequest = z.infer<typeof installRequestSchema>;
export type RunRequest = z.infer<typeof runRequestSchema>;
export type MeshRequest = z.infer<typeof meshRequestSchema>;
export type AgentRequest = z.infer<typeof agentRequestSchema>;

const refusalCode = z.enum(['unsigned', 'tampered', 'bad-signature', 'invalid', 'downgrade', 'conflict']);
export const installedReplySchema = z.strictObject({ type: z.literal('installed'), plugin: pluginName, version: pluginVersion });
export const refusedReplySchema = z.strictObject({
  type: z.literal('refused'),
  plugin: z.string().max(255),
  version: z.string().max(255),
  code: refusalCode,
  reason: z.string().max(MAX_MESSAGE_CHARS),
});
export const resultReplySchema = z.strictObject({
  type: z.literal('result'),
  outcome: z.enum(['ok', 'failed', 'timeout', 'error']),
  value: finite.nullable(),
  message: z.string().max(MAX_MESSAGE_CHARS),
  durationMs: z.number().min(0),
  /** The agent does not have the plugin at the version asked (the core then pushes it and asks again). */
  missing: z.boolean().optional(),
});
export const meshRowSchema = z.strictObject({
  host: z.string().min(1).max(255),
  address: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  ok: z.boolean(),
  latencyMs: finite.nullable(),
  error: z.string().max(500).optional(),
});
export const meshReplySchema = z.strictObject({ type: z.literal('mesh-result'), rows: z.array(meshRowSchema), durationMs: z.number().min(0) });
/** The agent could not read the request at all. */
export const errorReplySchema = z.strictObject({ type: z.literal('error'), reason: z.string().max(MAX_MESSAGE_CHARS) });
export const agentReplySchema = z.discriminatedUnion('type', [
  installedReplySchema,
  refusedReplySchema,
  resultReplySchema,
  meshReplySchema,
  errorReplySchema,
]);
export type InstalledReply = z.infer<typeof installedReplySchema>;
export type RefusedReply = z.infer<typeof refusedReplySchema>;
export type ResultReply = z.infer<typeof resultReplySchema>;
export type MeshRow = z.infer<typeof meshRowSchema>;
export type MeshReply = z.infer<typeof meshReplySchema>;
export type AgentReply = z.infer<typeof agentReplySchema>;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** A message body as JSON, validated by `schema`; the reason names the first fields at fault. */
export function parseMessage<S extends z.ZodType>(schema: S, body: Buffer | string): Parsed<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reason: parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; '),
  };
}

export function bundleToWire(bundle: SignedBundle): BundleWire {
  return {
    format: 1,
    name: bundle.name,
    version: bundle.version,
    entry: bundle.entry,
    files: bundle.files.map((file) => ({ path: file.path, content: file.content.toString('base64') })),
    sha256: bundle.sha256,
    ...(bundle.signature === undefined ? {} : { signature: bundle.signature }),
  };
}

/** The bundle a wire form describes; `entry` must be one of its files, the total size within MAX_BUNDLE_BYTES. */
export function bundleFromWire(wire: BundleWire): Parsed<SignedBundle> {
  const files = wire.files.map((file) => ({ path: file.path, content: Buffer.from(file.content, 'base64') }));
  const size = files.reduce((sum, file) => sum + file.content.length, 0);
  if (size > MAX_BUNDLE_BYTES) return { ok: false, reason: `the bundle holds ${size} bytes, more than ${MAX_BUNDLE_BYTES}` };
  if (!files.some((file) => file.path === wire.entry)) return { ok: false, reason: `the entry ${wire.entry} is not one of the bundle's files` };
  return {
    ok: true,
    value: {
      name: wire.name,
      version: wire.version,
      entry: wire.entry,
      files,
      sha256: wire.sha256,
      ...(wire.signature === undefined ? {} : { signature: wire.signature }),
    },
  };
}

/** Trims a message to what check_results holds. */
export function clipMessage(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}
