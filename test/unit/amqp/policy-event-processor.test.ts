import { PolicyEventProcessor } from '../../../src/amqp/policy-event-processor';
import { parsePolicyMessage } from '../../../src/amqp/policy-message-parser';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/domain/errors';
import type { ReceivedMessage } from '../../../src/services/contracts';
import type { PolicyEventIngest, PolicyEventsBody, PolicyIngestOptions, PolicyIngestResult } from '../../../src/services/policies/ports';
import { testConfig } from '../../support/real-services';
import { connectionRefused, dataTooLong, FakeMeasureService, MemoryLogger } from '../../support/amqp-fakes';

const config = testConfig({ RABBIT_RECONNECT_MAX_MS: '20' });

/** Records what it is given; `onIngest` runs first: throw from it to fail the call as a rolled-back transaction would. */
class FakeIngest implements PolicyEventIngest {
  readonly calls: Array<{ policyId: number; body: PolicyEventsBody; options: PolicyIngestOptions }> = [];
  attempts = 0;
  onIngest: ((policyId: number) => Promise<void> | void) | undefined;
  async ingest(policyId: number, body: PolicyEventsBody, options: PolicyIngestOptions): Promise<PolicyIngestResult> {
    this.attempts++;
    await this.onIngest?.(policyId);
    this.calls.push({ policyId, body, options });
    const accepted = body.kind === 'json' && Array.isArray(body.value) ? body.value.length : 1;
    return { accepted, rejected: [], verdicts: 0, ended: options.final, nextTp: accepted };
  }
}

function message(body: unknown, messageId = 'm-1'): ReceivedMessage {
  return { body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), messageId, routingKey: 'policy.events', contentType: 'application/json' };
}

function setup() {
  const ingest = new FakeIngest();
  const rejections = new FakeMeasureService();
  const logger = new MemoryLogger();
  const processor = new PolicyEventProcessor(ingest, rejections, config, logger);
  const run = (m: ReceivedMessage, stop = new AbortController().signal) => processor.process(m, parsePolicyMessage(m.body, config.rabbit.maxMessageBytes), stop);
  return { ingest, rejections, logger, processor, run };
}

describe('PolicyEventProcessor', () => {
  it('ingests the events with the source amqp and final as sent, and acks once the ingest resolved', async () => {
    const { ingest, rejections, run } = setup();
    const events = [{ ts: 1, events: [{ pred: 'p', args: [1] }] }, { ts: 2, events: [] }];
    await expect(run(message({ policy: 4, final: true, events }))).resolves.toBe('ack');
    expect(ingest.calls).toEqual([{ policyId: 4, body: { kind: 'json', value: events }, options: { final: true, source: 'amqp', deliveryId: 'm-1' } }]);
    expect(rejections.rejected).toEqual([]);
  });

  it('gives no delivery id for a message without a message id (nothing to recognise a redelivery by)', async () => {
    const { ingest, run } = setup();
    await expect(run({ ...message({ policy: 4, log: '@1' }), messageId: null })).resolves.toBe('ack');
    expect(ingest.calls[0]?.options).toEqual({ final: false, source: 'amqp' });
  });

  it('stores a malformed message as rejected with its reason and acks, without calling the ingest', async () => {
    const { ingest, rejections, run } = setup();
    const bad = message('{"policy": 1, "events": [');
    await expect(run(bad)).resolves.toBe('ack');
    expect(ingest.attempts).toBe(0);
    expect(rejections.rejected).toEqual([{ message: bad, reason: 'malformed-json', detail: 'not valid JSON' }]);
  });

  it('stores a message for an unknown policy as unknown-policy and acks', async () => {
    const { ingest, rejections, run } = setup();
    ingest.onIngest = (id) => {
      throw new NotFoundError(`policy ${id} not found`);
    };
    await expect(run(message({ policy: 99, log: '@1 p(1)' }))).resolves.toBe('ack');
    expect(rejections.rejected.map((r) => [r.reason, r.detail])).toEqual([['unknown-policy', 'unknown policy: 99']]);
  });

  it('stores a message the ingest refuses as a whole as schema-violation with the ingest\'s words', async () => {
    const { ingest, rejections, run } = setup();
    ingest.onIngest = () => {
      throw new ValidationError('events: the body must be an array of time points');
    };
    await expect(run(message({ policy: 1, events: [] }))).resolves.toBe('ack');
    expect(rejections.rejected.map((r) => [r.reason, r.detail])).toEqual([['schema-violation', 'events: the body must be an array of time points']]);
  });

  it('acks a body the ingest refused as a whole and stored as a policy rejection, without a second record', async () => {
    const { ingest, rejections, run } = setup();
    ingest.onIngest = () => {
      throw new ValidationError('time point 0 (log 1:1): syntax error', { rejection_id: 12 });
    };
    await expect(run(message({ policy: 1, log: '@x' }))).resolves.toBe('ack');
    expect(rejections.rejected).toEqual([]);
  });

  it('sends the events again when another process wrote the monitor meanwhile (stale fencing)', async () => {
    const { ingest, rejections, run } = setup();
    ingest.onIngest = () => {
      if (ingest.attempts === 1) throw new ConflictError('policy 1: another process wrote its monitor meanwhile (stale fencing token); send the events again');
    };
    await expect(run(message({ policy: 1, log: '@5 p(1)' }))).resolves.toBe('ack');
    expect(ingest.calls).toHaveLength(1);
    expect(rejections.rejected).toEqual([]);
  });

  it('holds the message through a storage outage and acks once the ingest committed', async () => {
    const { ingest, rejections, run } = setup();
    ingest.onIngest = () => {
      if (ingest.attempts <= 3) throw connectionRefused();
    };
    await expect(run(message({ policy: 1, log: '@5 p(1)' }))).resolves.toBe('ack');
    expect(ingest.attempts).toBe(4);
    expect(ingest.calls).toHaveLength(1);
    expect(rejections.rejected).toEqual([]);
  });

  it('hands the message back to the queue when stopped during an outage', async () => {
    const { ingest, rejections, run } = setup();
    const stop = new AbortController();
    ingest.onIngest = () => {
      if (ingest.attempts === 2) stop.abort();
      throw connectionRefused();
    };
    await expect(run(message({ policy: 1, log: '@5 p(1)' }), stop.signal)).resolves.toBe('requeue');
    expect(ingest.calls).toEqual([]);
    expect(rejections.rejected).toEqual([]);
  });

  it('stores a message storage refuses for good as storage-error, and dead-letters it when even the rejection fails', async () => {
    const first = setup();
    first.ingest.onIngest = () => {
      throw dataTooLong();
    };
    await expect(first.run(message({ policy: 1, log: '@5 p(1)' }))).resolves.toBe('ack');
    expect(first.rejections.rejected.map((r) => r.reason)).toEqual(['storage-error']);
    expect(first.rejections.rejected[0]!.detail).toMatch(/^storage refused the message: ER_DATA_TOO_LONG/);

    const second = setup();
    second.ingest.onIngest = () => {
      throw dataTooLong();
    };
    second.rejections.onReject = () => {
      throw dataTooLong();
    };
    await expect(second.run(message({ policy: 1, log: '@5 p(1)' }))).resolves.toBe('dead-letter');
    expect(second.logger.entries.some((e) => e.level === 'error' && e.message.includes('dead-lettering'))).toBe(true);
  });

  it('without a bound ingest is disabled and hands every valid message back', async () => {
    const rejections = new FakeMeasureService();
    const processor = new PolicyEventProcessor(undefined, rejections, config, new MemoryLogger());
    expect(processor.enabled).toBe(false);
    const m = message({ policy: 1, log: '@1' });
    await expect(processor.process(m, parsePolicyMessage(m.body, 1 << 20), new AbortController().signal)).resolves.toBe('requeue');
  });
});
