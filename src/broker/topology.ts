import type { Channel, ChannelModel } from 'amqplib';
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
 *
 * The leader's queue may already exist with another `expiresMs` (a client that cannot see a deployed
 * default parameter came first, or an operator bound one): it is then used as it is, never an error.
 */
export async function declareRunTopology(
  connection: ChannelModel,
  channel: Channel,
  names: RunNames,
  expiresMs: number,
): Promise<void> {
  await declareLeaderQueue(connection, names.leaderQueue, expiresMs);
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

/**
 * Declares the leader's queue on a channel of its own, because a refused declaration (AMQP 406, the
 * queue exists with other arguments) closes the channel it was made on.
 */
async function declareLeaderQueue(connection: ChannelModel, queue: string, expiresMs: number): Promise<void> {
  const declaring = await connection.createChannel();
  declaring.on('error', () => undefined);
  try {
    await declaring.assertQueue(queue, queueOptions(expiresMs));
    await declaring.close();
    return;
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
  }
  const checking = await connection.createChannel();
  checking.on('error', () => undefined);
  await checking.checkQueue(queue);
  await checking.close();
}

/** The broker refused a declaration because the entity exists with other arguments (AMQP 406). */
function isPreconditionFailed(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 406;
}

function queueOptions(expiresMs: number) {
  return { durable: true, exclusive: false, autoDelete: false, expires: expiresMs };
}
