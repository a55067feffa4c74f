/** The storage contract of agents and plugins (issue 14); implemented by mysql-agent-store.ts, migration 017. */

export interface InstalledPluginRef {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
}

export interface AgentRecord {
  readonly name: string;
  readonly version: string;
  readonly plugins: readonly InstalledPluginRef[];
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

export interface PluginSummary {
  readonly id: number;
  readonly name: string;
  readonly version: string;
  readonly entry: string;
  readonly fileCount: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly createdBy: string | null;
  readonly createdAtMs: number;
}

export interface StoredPlugin extends PluginSummary {
  readonly signature: string;
  /** The bundle's wire form as JSON text (lib/agent/protocol.ts, bundleWireSchema). */
  readonly bundle: string;
}

export type NewPlugin = Omit<StoredPlugin, 'id'>;

export interface AgentStore {
  /** Inserts or refreshes the agent's row (first_seen kept). */
  recordAnnouncement(agent: { name: string; version: string; plugins: readonly InstalledPluginRef[] }, atMs: number): Promise<void>;
  listAgents(): Promise<AgentRecord[]>;
  getAgent(name: string): Promise<AgentRecord | undefined>;
  /** ConflictError when (name, version) exists. */
  insertPlugin(plugin: NewPlugin): Promise<StoredPlugin>;
  /** Every version of one plugin, without their bundles; `lock`: held until the ambient transaction ends. */
  pluginVersions(name: string, lock?: boolean): Promise<PluginSummary[]>;
  getPlugin(name: string, version: string): Promise<StoredPlugin | undefined>;
  listPlugins(): Promise<PluginSummary[]>;
}
