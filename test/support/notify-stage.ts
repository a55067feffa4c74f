import type { Component } from '../../src/component';
import { TYPES } from '../../src/identifiers';
import type { TestPlatform } from './platform';

/**
 * The notification stage's components of a test platform (dispatcher, silence and config pollers,
 * whatever the stage binds under TYPES.Component with a name about notifications, silences, tickets or
 * Alertmanager), started after the platform and stopped before it. The outbox reader is left out unless
 * asked for: alerts the tests post come in through the API. Returns the names started and a stop().
 */
export async function startNotifyStage(platform: TestPlatform, options: { outbox?: boolean } = {}): Promise<{ names: string[]; stop(): Promise<void> }> {
  const wanted = (name: string) => /notif|silence|ticket|alertmanager|dispatch/.test(name) && (options.outbox === true || !/outbox/.test(name));
  const components = platform.container.getAll<Component>(TYPES.Component).filter((component) => wanted(component.name));
  const started: Component[] = [];
  for (const component of components) {
    await component.start();
    started.push(component);
  }
  return {
    names: started.map((component) => component.name),
    async stop() {
      for (const component of started.reverse()) await component.stop();
    },
  };
}
