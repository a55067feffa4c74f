import { injectable } from 'inversify';
import type { AlertmanagerConfig } from '../../src/notify/config/model';
import { compileMatcher as compile } from '../../src/notify/matchers-parse';
import type { CompiledMatcher, MatchType } from '../../src/notify/matchers';
import type { NotifyConfigProvider } from '../../src/services/notify/ports';

/**
 * Tests: a NotifyConfigProvider holding a configuration object the test builds (rebind
 * TYPES.NotifyConfigProvider to it in startPlatform's `configure`), by default one receiver `default`
 * with no integrations at the root route.
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

/** A compiled matcher from its three parts (src/notify/matchers-parse.ts). */
export function compileMatcher(name: string, type: MatchType, value: string): CompiledMatcher {
  return compile({ name, type, value });
}
