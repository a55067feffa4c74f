import { injectable } from 'inversify';
import type { AlertmanagerConfig } from '../../notify/config/model';
import type { NotifyConfigProvider } from './ports';

/**
 * STAND-IN (inputs helper) for the config helper's NotifyConfigProvider (the file ALERTMANAGER_CONFIG_FILE,
 * SIGHUP, PUT /alertmanager/config): a fixed configuration, by default one receiver `default` with no
 * integrations at the root route. The merge replaces the binding of TYPES.NotifyConfigProvider.
 */
export const STAND_IN_DEFAULT_YAML = 'route:\n  receiver: default\nreceivers:\n  - name: default\n';

export function standInDefaultConfig(): AlertmanagerConfig {
  return {
    global: { resolveTimeoutMs: 300_000, smtp: { hello: 'localhost', requireTls: true } },
    route: {
      id: '{}',
      receiver: 'default',
      groupBy: { all: false, labels: [] },
      matchers: [],
      continue: false,
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      muteTimeIntervals: [],
      activeTimeIntervals: [],
      routes: [],
    },
    receivers: new Map([['default', { name: 'default', webhook: [], email: [], amqp: [], tickets: [] }]]),
    inhibitRules: [],
    timeIntervals: new Map(),
    templates: [],
    original: STAND_IN_DEFAULT_YAML,
  };
}

@injectable()
export class StaticNotifyConfigProvider implements NotifyConfigProvider {
  private config: AlertmanagerConfig = standInDefaultConfig();
  private readonly listeners: Array<(config: AlertmanagerConfig) => void> = [];
  private versionNumber = 1;

  current(): AlertmanagerConfig {
    return this.config;
  }

  version(): number {
    return this.versionNumber;
  }

  onChange(listener: (config: AlertmanagerConfig) => void): void {
    this.listeners.push(listener);
  }

  /** Tests: applies another configuration. */
  apply(config: AlertmanagerConfig): void {
    this.config = config;
    this.versionNumber += 1;
    for (const listener of this.listeners) listener(config);
  }
}
