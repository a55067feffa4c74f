import type { Component } from '../../../src/component';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { Logger } from '../../../src/logging/logger';
import type { IntegrationSet } from '../../../src/services/notify/delivery-service';
import { testConfig } from '../../support/real-services';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => silent };

describe('receivers wiring', () => {
  it('the container resolves the integrations (ticket sink optional), the delivery service and the event publisher component', () => {
    const container = buildContainer(testConfig({}), silent);
    const integrations = container.get<IntegrationSet>(TYPES.NotifyIntegrations);
    expect(Object.keys(integrations).sort()).toEqual(['amqp', 'email', 'ticket', 'webhook']);
    expect(container.get(TYPES.DeliveryService)).toBeDefined();
    expect(container.get(TYPES.NotificationQueryService)).toBeDefined();
    expect(container.getAll<Component>(TYPES.Component).map((c) => c.name)).toContain('event-publisher');
  });
});
