import fs from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { verifyBundle, type BundleRefusalCode, type SignedBundle } from '../../lib/agent/bundle';
import { bundleFromWire, bundleSchemaCheck, bundleToWire } from './bundle-file';
import { compareVersions } from '../../lib/agent/version';

export interface InstalledPlugin {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  /** The directory holding the plugin's files (its working directory when it runs). */
  readonly dir: string;
  readonly entry: string;
}

export type InstallOutcome =
  | { readonly ok: true; readonly plugin: InstalledPlugin; readonly already: boolean }
  | { readonly ok: false; readonly code: BundleRefusalCode; readonly reason: string };

export interface PluginStoreLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/**
 * The installed plugins: `<dir>/<name>/bundle.json` (the signed bundle as received) and its files in
 * `<dir>/<name>/<version>/`. Only verified bundles are kept; at start each bundle is verified again and
 * its files written afresh from it, so what runs is what the core signed. One version per plugin, never
 * lower than the one installed.
 */
export class PluginStore {
  private readonly installed = new Map<string, InstalledPlugin>();

  constructor(
    private readonly dir: string,
    private readonly publicKey: KeyObject,
    private readonly logger: PluginStoreLogger,
  ) {}

  load(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    for (const entry of fs.readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const file = path.join(this.dir, entry.name, 'bundle.json');
      if (!fs.existsSync(file)) continue;
      const read = bundleSchemaCheck(fs.readFileSync(file, 'utf8'));
      const bundle = read.ok ? bundleFromWire(read.value) : read;
      if (!bundle.ok) {
        this.logger.warn('installed plugin unreadable: ignored', { plugin: entry.name, reason: bundle.reason });
        continue;
      }
      const verdict = verifyBundle(bundle.value, this.publicKey);
      if (!verdict.ok || bundle.value.name !== entry.name) {
        this.logger.warn('installed plugin fails verification: ignored', { plugin: entry.name, reason: verdict.ok ? 'name mismatch' : verdict.reason });
        continue;
      }
      this.installed.set(bundle.value.name, this.writeFiles(bundle.value));
    }
  }

  list(): InstalledPlugin[] {
    return [...this.installed.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  get(name: string): InstalledPlugin | undefined {
    return this.installed.get(name);
  }

  install(bundle: SignedBundle): InstallOutcome {
    const verdict = verifyBundle(bundle, this.publicKey);
    if (!verdict.ok) return verdict;
    const current = this.installed.get(bundle.name);
    if (current) {
      const order = compareVersions(bundle.version, current.version);
      if (order < 0) {
        return { ok: false, code: 'downgrade', reason: `plugin ${bundle.name}: version ${bundle.version} is lower than the installed ${current.version} (downgrade refused)` };
      }
      if (order === 0) {
        if (current.sha256 === bundle.sha256) return { ok: true, plugin: current, already: true };
        return { ok: false, code: 'conflict', reason: `plugin ${bundle.name} ${bundle.version} is installed with other content (sha256 ${current.sha256}); a change needs a new version` };
      }
    }
    const plugin = this.writeFiles(bundle);
    const manifest = path.join(this.dir, bundle.name, 'bundle.json');
    fs.writeFileSync(`${manifest}.tmp`, JSON.stringify(bundleToWire(bundle)), { mode: 0o644 });
    fs.renameSync(`${manifest}.tmp`, manifest);
    if (current) fs.rmSync(current.dir, { recursive: true, force: true });
    this.installed.set(bundle.name, plugin);
    return { ok: true, plugin, already: false };
  }

  /** Writes the files beside, then renames into place: a run never sees half a plugin. */
  private writeFiles(bundle: SignedBundle): InstalledPlugin {
    const pluginDir = path.join(this.dir, bundle.name);
    fs.mkdirSync(pluginDir, { recursive: true });
    fs.chmodSync(pluginDir, 0o755);
    const target = path.join(pluginDir, bundle.version);
    const staging = `${target}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    for (const file of bundle.files) {
      const destination = path.join(staging, file.path);
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.writeFileSync(destination, file.content);
      fs.chmodSync(destination, file.path === bundle.entry ? 0o755 : 0o644);
    }
    chmodDirs(staging);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    return { name: bundle.name, version: bundle.version, sha256: bundle.sha256, dir: target, entry: path.join(target, bundle.entry) };
  }
}

/** Directories readable and traversable by the plugins' user, writable by the agent alone. */
function chmodDirs(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) chmodDirs(path.join(dir, entry.name));
  }
}
