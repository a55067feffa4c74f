import { Container } from 'inversify';
import { MeasureMessageParser } from '../../../src/amqp/measure-message-parser';
import { MessageProcessor } from '../../../src/amqp/message-processor';
import { AmqplibRabbitConnector } from '../../../src/amqp/rabbit-connector';
import { RabbitListener } from '../../../src/amqp/rabbit-listener';
import { TYPES } from '../../../src/identifiers';
import { IngestMetrics } from '../../../src/metrics/ingest-metrics';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';
import { testConfig } from '../../support/real-services';
import { FakeMeasureService, MemoryLogger } from '../../support/amqp-fakes';

describe('AMQP wiring', () => {
  it('resolves the listener and its collaborators from the identifiers alone', async () => {
    const container = new Container({ defaultScope: 'Singleton' });
    container.bind(TYPES.Config).toConstantValue(testConfig());
    container.bind(TYPES.Logger).toConstantValue(new MemoryLogger());
    container.bind(TYPES.MeasureService).toConstantValue(new FakeMeasureService());
    container.bind(MetricsRegistry).toSelf();
    container.bind(IngestMetrics).toSelf();
    container.bind(TYPES.MeasureMessageParser).to(MeasureMessageParser);
    container.bind(TYPES.MessageProcessor).to(MessageProcessor);
    container.bind(TYPES.RabbitConnector).to(AmqplibRabbitConnector);
    container.bind(TYPES.RabbitListener).to(RabbitListener);

    const listener = container.get<RabbitListener>(TYPES.RabbitListener);
    expect(listener).toBeInstanceOf(RabbitListener);
    expect(listener.isConnected()).toBe(false);
    // Never started (a `serve`-only process): readiness must not fail on a consumer it does not run.
    await expect(listener.healthCheck().check()).resolves.toBeUndefined();
    expect(listener.healthCheck().name).toBe('rabbitmq');
    await listener.stop();
    await expect(listener.healthCheck().check()).rejects.toThrow('consumer stopped');
  });
});
