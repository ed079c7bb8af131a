import type { Channel } from 'amqplib';
import type { RunNames } from './names.js';

/**
 * Declares what every party of a run publishes into or listens to: the leader's queue, the log
 * exchange, and the binding between them. Every party declares them with identical arguments, so the
 * first one to start creates them and nothing published is dropped for want of a queue.
 *
 * Cleanup without anyone's help: queues carry `x-expires` (deleted after `expiresMs` unused, even
 * after a crash); the exchange is auto-delete, so it goes with its last binding. Binding the leader's
 * queue to it keeps it alive while the leader's queue lives, whoever unbinds first.
 *
 * Queues are durable because RabbitMQ 4 deprecates transient non-exclusive queues; messages stay
 * transient (no disk writes), and `x-expires` removes the queues either way.
 */
export async function declareRunTopology(
  channel: Channel,
  names: RunNames,
  expiresMs: number,
): Promise<void> {
  await channel.assertQueue(names.leaderQueue, queueOptions(expiresMs));
  await channel.assertExchange(names.logExchange, 'fanout', { durable: false, autoDelete: true });
  await channel.bindQueue(names.leaderQueue, names.logExchange, '');
}

/**
 * Declares one slave activation's inbox and binds it to the log. Only the owner declares it: a grant
 * to a vanished inbox is harmlessly dropped (the lease covers it), while re-creating it would leak.
 */
export async function declareInbox(
  channel: Channel,
  names: RunNames,
  inbox: string,
  expiresMs: number,
): Promise<void> {
  await channel.assertQueue(inbox, queueOptions(expiresMs));
  await channel.bindQueue(inbox, names.logExchange, '');
}

function queueOptions(expiresMs: number) {
  return { durable: true, exclusive: false, autoDelete: false, expires: expiresMs };
}
