import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { confirmChannel } from './connection.js';
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
 * Resolves to the channel to go on with: `channel`, or a new one on `connection` after a 406.
 *
 * Queues are durable because RabbitMQ 4 deprecates transient non-exclusive queues; messages stay
 * transient (no disk writes), and `x-expires` removes the queues either way.
 */
export async function declareRunTopology(
  connection: ChannelModel,
  channel: ConfirmChannel,
  names: RunNames,
  expiresMs: number,
): Promise<ConfirmChannel> {
  let usable = channel;
  try {
    await channel.assertQueue(names.leaderQueue, queueOptions(expiresMs));
  } catch (error) {
    // A client that abandoned a slave before any party started declared the queue with its own
    // expiry; the broker refuses ours (406) and closes the channel. The queue is there: use it as is.
    if (!isPreconditionFailed(error)) throw error;
    usable = await confirmChannel(connection);
    await usable.checkQueue(names.leaderQueue);
  }
  await usable.assertExchange(names.logExchange, 'fanout', { durable: false, autoDelete: true });
  await usable.bindQueue(names.leaderQueue, names.logExchange, '');
  return usable;
}

/** The broker refused a declaration because the entity exists with other arguments (AMQP 406). */
export function isPreconditionFailed(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 406;
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
