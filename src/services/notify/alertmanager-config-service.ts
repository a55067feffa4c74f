import fs from 'node:fs';
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type { Config } from '../../config';
import { ValidationError } from '../../domain/errors';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import type { AlertmanagerConfig } from '../../notify/config/model';
import { AlertmanagerConfigError, DEFAULT_CONFIG_YAML, parseAlertmanagerConfig } from '../../notify/config/parse';
import type { AlertmanagerConfigStore } from '../../storage/notify-stores';
import type { Transactor } from '../../storage/stores';
import { AuditTrail } from '../audit-trail';
import { requireAdmin } from '../authorization';
import { PeriodicTask } from '../periodic-task';
import type { NotifyConfigProvider } from './ports';
import { templateLoader } from './template-files';

export interface StoredAlertmanagerConfig {
  /** 0: the built-in default (nothing stored yet). */
  readonly version: number;
  readonly yaml: string;
  readonly createdAtMs?: number;
}

/** A ValidationError whose problem+json lists every problem: its key path, and `line L:C: message`. */
function invalid(error: AlertmanagerConfigError): ValidationError {
  return new ValidationError(`invalid Alertmanager configuration: ${error.message}`, {
    errors: error.issues.map((issue) => ({
      path: issue.path,
      message: issue.line !== undefined ? `line ${issue.line}:${issue.column ?? 1}: ${issue.message}` : issue.message,
    })),
  });
}

/**
 * The Alertmanager configuration of the notification stage: versions stored in MySQL (PUT by an ADMIN,
 * the file ALERTMANAGER_CONFIG_FILE at start and on SIGHUP), the newest applied by every instance within
 * ALERTMANAGER_CONFIG_POLL_MS. Until anything is stored the built-in default is in force. A stored
 * version this instance cannot apply (a template file missing here) is logged and the previous one kept.
 */
@injectable()
export class AlertmanagerConfigService implements NotifyConfigProvider {
  private config: AlertmanagerConfig;
  private appliedVersion = 0;
  /** The newest version seen, applied or not (one that failed here is not retried every poll). */
  private seenVersion = 0;
  private readonly listeners: Array<(config: AlertmanagerConfig) => void> = [];
  private readonly poller: PeriodicTask;
  private readonly baseDir: string;
  private readonly onSighup = (): void => {
    void this.loadFile('differs').catch((error: unknown) => this.logger.error('Alertmanager configuration file not applied on SIGHUP', { error }));
  };

  constructor(
    @inject(TYPES.AlertmanagerConfigStore) private readonly store: AlertmanagerConfigStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(TYPES.Config) private readonly settings: Config,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'alertmanager-config' });
    this.baseDir = settings.alertmanager.configFile ? path.dirname(path.resolve(settings.alertmanager.configFile)) : process.cwd();
    this.config = this.parse(DEFAULT_CONFIG_YAML);
    this.poller = new PeriodicTask('alertmanager-config poll', settings.alertmanager.pollMs, () => this.refresh(), this.logger);
  }

  private readonly logger: Logger;

  current(): AlertmanagerConfig {
    return this.config;
  }

  version(): number {
    return this.appliedVersion;
  }

  onChange(listener: (config: AlertmanagerConfig) => void): void {
    this.listeners.push(listener);
  }

  /** Parses as this instance would apply it; AlertmanagerConfigError when invalid. */
  parse(yaml: string): AlertmanagerConfig {
    return parseAlertmanagerConfig(yaml, { loadTemplates: templateLoader(this.baseDir) });
  }

  /**
   * The file (if configured) stored when it changed since it was last loaded (so a restart keeps a later
   * PUT unless the file was edited), then the newest version applied; polling starts.
   */
  async start(): Promise<void> {
    await this.loadFile('changed');
    await this.refresh();
    this.poller.start();
    process.on('SIGHUP', this.onSighup);
  }

  async stop(): Promise<void> {
    process.off('SIGHUP', this.onSighup);
    await this.poller.stop();
  }

  /**
   * Reads ALERTMANAGER_CONFIG_FILE and stores it (source `file`): at start when it changed since the last
   * version loaded from the file ('changed'), on SIGHUP when it differs from the version in force
   * ('differs'). Throws when invalid (start-up fails, as Alertmanager's).
   */
  async loadFile(when: 'changed' | 'differs'): Promise<void> {
    const file = this.settings.alertmanager.configFile;
    if (file === undefined) return;
    const yaml = await fs.promises.readFile(file, 'utf8');
    let parsed: AlertmanagerConfig;
    try {
      parsed = this.parse(yaml);
    } catch (error) {
      if (error instanceof AlertmanagerConfigError) throw new Error(`${file}: ${error.message}`, { cause: error });
      throw error;
    }
    const previous = when === 'changed' ? await this.store.latestFromFile() : await this.store.latest();
    if (previous?.yaml === yaml) return;
    const version = await this.tx.inTransaction(async () => {
      const stored = await this.store.append(yaml, 'file', undefined, Date.now());
      await this.audit.record({ actor: null, action: 'alertmanager-config.load', resourceType: 'alertmanager-config', resourceId: String(stored), outcome: 'success', detail: { source: 'file' } });
      return stored;
    });
    this.apply(version, parsed);
  }

  /** The newest stored version (the built-in default, version 0, when none): ADMIN only. */
  async get(actor: User): Promise<StoredAlertmanagerConfig> {
    requireAdmin(actor, 'read the Alertmanager configuration');
    const latest = await this.store.latest();
    return latest ?? { version: 0, yaml: DEFAULT_CONFIG_YAML };
  }

  /** The newest stored version parsed (the built-in default when none), for the command line (`mymonit notify routes test`). */
  async newest(): Promise<AlertmanagerConfig> {
    const latest = await this.store.latest();
    return this.parse(latest?.yaml ?? DEFAULT_CONFIG_YAML);
  }

  /** Validates, stores a new version (audited) and applies it here at once; the other instances within a poll. */
  async put(actor: User, yaml: string): Promise<{ readonly version: number }> {
    requireAdmin(actor, 'replace the Alertmanager configuration');
    let parsed: AlertmanagerConfig;
    try {
      parsed = this.parse(yaml);
    } catch (error) {
      if (error instanceof AlertmanagerConfigError) throw invalid(error);
      throw error;
    }
    const version = await this.tx.inTransaction(async () => {
      const stored = await this.store.append(yaml, 'api', actor.pseudonym, Date.now());
      await this.audit.record({
        action: 'alertmanager-config.update',
        resourceType: 'alertmanager-config',
        resourceId: String(stored),
        outcome: 'success',
        detail: { receivers: parsed.receivers.size, bytes: Buffer.byteLength(yaml, 'utf8') },
      });
      return stored;
    });
    this.apply(version, parsed);
    return { version };
  }

  /** Applies the newest stored version if it is newer than the one in force. */
  async refresh(): Promise<void> {
    const latest = await this.store.latest();
    if (latest === undefined || latest.version <= this.seenVersion) return;
    this.seenVersion = latest.version;
    let parsed: AlertmanagerConfig;
    try {
      parsed = this.parse(latest.yaml);
    } catch (error) {
      this.logger.error(`Alertmanager configuration version ${latest.version} cannot be applied here; keeping version ${this.appliedVersion}`, {
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    this.apply(latest.version, parsed);
  }

  private apply(version: number, config: AlertmanagerConfig): void {
    if (version <= this.appliedVersion) return;
    this.appliedVersion = version;
    this.seenVersion = Math.max(this.seenVersion, version);
    this.config = config;
    this.logger.info(`Alertmanager configuration version ${version} applied`, { receivers: config.receivers.size });
    for (const listener of this.listeners) {
      try {
        listener(config);
      } catch (error) {
        this.logger.error('an Alertmanager configuration listener failed', { error });
      }
    }
  }
}
