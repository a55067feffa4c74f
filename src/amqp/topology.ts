import type { Channel } from 'amqplib';
import type { Config } from '../config';

export type RabbitTopology = Pick<
  Config['rabbit'],
  'exchange' | 'routingKey' | 'queue' | 'queueType' | 'deadLetterExchange' | 'deadLetterQueue'
>;

export type PolicyTopology = Pick<Config['rabbit'], 'exchange' | 'queueType' | 'deadLetterExchange' | 'deadLetterQueue' | 'policy'>;

/** The arguments the measures queue is declared with; a redeclaration with other arguments is refused by the broker. */
export function queueArguments(topology: RabbitTopology): Record<string, string> {
  return { 'x-queue-type': topology.queueType, 'x-dead-letter-exchange': topology.deadLetterExchange };
}

/**
 * Declares what the consumer reads from: the topic exchange, the measures queue bound to it, and the
 * dead-letter exchange and queue where messages that could not even be stored as rejected end up.
 * Idempotent, so every consumer (and publisher) may run it at each connect; that also recreates a queue
 * an operator deleted. The dead-letter queue has the type of the main queue: it keeps what must not be lost.
 */
export async function declareTopology(channel: Channel, topology: RabbitTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, {
    durable: true,
    arguments: { 'x-queue-type': topology.queueType },
  });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '');
  await channel.assertQueue(topology.queue, { durable: true, arguments: queueArguments(topology) });
  await channel.bindQueue(topology.queue, topology.exchange, topology.routingKey);
}

/** The arguments of the policy events queue: one consumer at a time across processes keeps each policy's order. */
export function policyQueueArguments(topology: PolicyTopology): Record<string, string | boolean> {
  return {
    'x-queue-type': topology.queueType,
    'x-dead-letter-exchange': topology.deadLetterExchange,
    'x-single-active-consumer': true,
  };
}

/**
 * Declares the policy events queue (issue 15) beside the measures queue: the same exchange and dead-letter
 * exchange and queue, its own queue bound with its own routing key. Idempotent, like declareTopology.
 */
export async function declarePolicyTopology(channel: Channel, topology: PolicyTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, {
    durable: true,
    arguments: { 'x-queue-type': topology.queueType },
  });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '');
  await channel.assertQueue(topology.policy.queue, { durable: true, arguments: policyQueueArguments(topology) });
  await channel.bindQueue(topology.policy.queue, topology.exchange, topology.policy.routingKey);
}
