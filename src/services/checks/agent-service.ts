import { inject, injectable, optional } from 'inversify';
import type { SignedBundle } from '../../../lib/agent/bundle';
import {
  BUNDLE_PATH,
  bundleFromWire,
  bundleToWire,
  bundleWireSchema,
  MAX_BUNDLE_BYTES,
  MAX_BUNDLE_FILES,
  parseMessage,
  PLUGIN_NAME,
  type Announce,
} from '../../../lib/agent/protocol';
import { compareVersions, isPluginVersion } from '../../../lib/agent/version';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import type { AgentRecord, AgentStore, PluginSummary } from '../../storage/agent-stores';
import type { Transactor } from '../../storage/stores';
import { AuditTrail } from '../audit-trail';
import { requireAdmin } from '../authorization';
import type { PluginSigner, PluginSource } from './agent-ports';

/** Plugin upload while the core has no signing key: REST answers 503 with the reason. */
export class PluginSigningUnavailableError extends Error {
  override readonly name = 'PluginSigningUnavailableError';
}

export interface PluginUpload {
  readonly name: string;
  readonly version: string;
  readonly entry: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly content: string; readonly encoding?: 'utf8' | 'base64' }>;
}

/**
 * The plugin registry (ADMINs upload code and a version; the core signs it) and the agents registry (from
 * the agents' announcements). Both are infrastructure, not experiment data: ADMIN only, reads included.
 * Also the executor's PluginSource: the newest bundle of a plugin, and which version each agent has.
 */
@injectable()
export class AgentService implements PluginSource {
  /** agent -> plugin -> version, from announcements and install replies (fresher than the agents table). */
  private readonly installs = new Map<string, Map<string, string>>();

  constructor(
    @inject(TYPES.AgentStore) private readonly store: AgentStore,
    @inject(TYPES.PluginSigner) private readonly signer: PluginSigner,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(TYPES.Logger) @optional() private readonly logger?: Logger,
  ) {}

  private now(): number {
    return Date.now();
  }

  async recordAnnouncement(announce: Announce): Promise<void> {
    this.installs.set(announce.agent, new Map(announce.plugins.map((p) => [p.name, p.version])));
    await this.store.recordAnnouncement({ name: announce.agent, version: announce.version, plugins: announce.plugins }, this.now());
  }

  async listAgents(actor: User): Promise<AgentRecord[]> {
    requireAdmin(actor, 'list agents');
    return this.store.listAgents();
  }

  async listPlugins(actor: User): Promise<PluginSummary[]> {
    requireAdmin(actor, 'list plugins');
    return this.store.listPlugins();
  }

  signingKey(actor: User): string {
    requireAdmin(actor, 'read the plugin signing key');
    if (this.signer.unavailableReason !== undefined) throw new PluginSigningUnavailableError(this.signer.unavailableReason);
    return this.signer.publicKeyPem();
  }

  /** Validates, signs and stores a new version, which must order above every stored one. */
  async uploadPlugin(actor: User, upload: PluginUpload): Promise<PluginSummary> {
    requireAdmin(actor, 'upload plugins');
    const content = validUpload(upload);
    if (this.signer.unavailableReason !== undefined) throw new PluginSigningUnavailableError(this.signer.unavailableReason);
    const signed = this.signer.sign(content);
    const stored = await this.tx.inTransaction(async () => {
      const versions = await this.store.pluginVersions(signed.name, true);
      const newest = versions.reduce<string | undefined>((max, p) => (max === undefined || compareVersions(p.version, max) > 0 ? p.version : max), undefined);
      if (newest !== undefined && compareVersions(signed.version, newest) <= 0) {
        throw new ConflictError(`version: plugin ${signed.name} is at ${newest}; a new version must be higher (versions only go up)`, { newest });
      }
      const plugin = await this.store.insertPlugin({
        name: signed.name,
        version: signed.version,
        entry: signed.entry,
        fileCount: signed.files.length,
        bytes: signed.files.reduce((sum, f) => sum + f.content.length, 0),
        sha256: signed.sha256,
        signature: signed.signature ?? '',
        bundle: JSON.stringify(bundleToWire(signed)),
        createdBy: actor.pseudonym,
        createdAtMs: this.now(),
      });
      await this.audit.record({
        action: 'plugin.create',
        resourceType: 'plugin',
        resourceId: `${plugin.name}@${plugin.version}`,
        outcome: 'success',
        detail: { sha256: plugin.sha256, files: plugin.fileCount, bytes: plugin.bytes },
      });
      return plugin;
    });
    this.logger?.info('plugin uploaded and signed', { plugin: stored.name, version: stored.version, sha256: stored.sha256 });
    return stored;
  }

  async latestBundle(name: string): Promise<SignedBundle | undefined> {
    const versions = await this.store.pluginVersions(name);
    const newest = versions.reduce<PluginSummary | undefined>((max, p) => (max === undefined || compareVersions(p.version, max.version) > 0 ? p : max), undefined);
    if (!newest) return undefined;
    const stored = await this.store.getPlugin(name, newest.version);
    if (!stored) throw new NotFoundError(`plugin ${name} ${newest.version} vanished`);
    const wire = parseMessage(bundleWireSchema, stored.bundle);
    const bundle = wire.ok ? bundleFromWire(wire.value) : wire;
    if (!bundle.ok) throw new Error(`stored bundle of plugin ${name} ${newest.version} is unreadable: ${bundle.reason}`);
    return bundle.value;
  }

  async installedVersion(agent: string, plugin: string): Promise<string | undefined> {
    const known = this.installs.get(agent);
    if (known) return known.get(plugin);
    const record = await this.store.getAgent(agent);
    if (!record) return undefined;
    this.installs.set(agent, new Map(record.plugins.map((p) => [p.name, p.version])));
    return record.plugins.find((p) => p.name === plugin)?.version;
  }

  noteInstalled(agent: string, plugin: string, version: string): void {
    let known = this.installs.get(agent);
    if (!known) this.installs.set(agent, (known = new Map()));
    known.set(plugin, version);
  }
}

/** The upload as bundle content; a ValidationError names the field at fault. */
function validUpload(upload: PluginUpload): { name: string; version: string; entry: string; files: Array<{ path: string; content: Buffer }> } {
  const problems: Array<{ path: string; message: string }> = [];
  if (!PLUGIN_NAME.test(upload.name)) problems.push({ path: 'name', message: 'letters, digits, _ . - (at most 64), not starting with . or -' });
  if (!isPluginVersion(upload.version)) problems.push({ path: 'version', message: 'an integer or MAJOR.MINOR.PATCH, without leading zeros' });
  if (upload.files.length === 0 || upload.files.length > MAX_BUNDLE_FILES) problems.push({ path: 'files', message: `1 to ${MAX_BUNDLE_FILES} files` });
  const seen = new Set<string>();
  const files = upload.files.map((file, index) => {
    if (!BUNDLE_PATH.test(file.path)) problems.push({ path: `files[${index}].path`, message: 'a relative path of letters, digits, _ . - without . or .. segments' });
    if (seen.has(file.path)) problems.push({ path: `files[${index}].path`, message: `${file.path} appears twice` });
    seen.add(file.path);
    if (file.encoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(file.content)) problems.push({ path: `files[${index}].content`, message: 'not base64' });
    return { path: file.path, content: Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8') };
  });
  if (!seen.has(upload.entry)) problems.push({ path: 'entry', message: 'must be the path of one of the files' });
  const bytes = files.reduce((sum, f) => sum + f.content.length, 0);
  if (bytes > MAX_BUNDLE_BYTES) problems.push({ path: 'files', message: `${bytes} bytes in all, more than ${MAX_BUNDLE_BYTES}` });
  const entry = files.find((f) => f.path === upload.entry);
  if (entry && !entry.content.subarray(0, 2).equals(Buffer.from('#!'))) problems.push({ path: 'entry', message: 'the entry must start with a #! line (it is executed directly)' });
  if (problems.length > 0) throw new ValidationError(`invalid plugin: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { errors: problems });
  return { name: upload.name, version: upload.version, entry: upload.entry, files };
}
