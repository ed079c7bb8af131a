import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { EndMessage } from '../protocol/messages.js';
import { keyFingerprint } from '../protocol/signing.js';
import { confirmChannel } from './connection.js';
import { readEndRecord, type EndRecordAccess } from './end-record.js';
import type { RunNames } from './names.js';
import { RunConflictError } from './run-conflict.js';

/**
 * Declares what every party of a run publishes into or listens to: the leader's queue, the log
 * exchange, and the binding between them. Every party declares them with identical arguments, so the
 * first one to start creates them and nothing published is dropped for want of a queue.
 *
 * Cleanup without anyone's help: queues carry `x-expires` (deleted after `expiresMs` unused, even
 * after a crash); the exchange is auto-delete, so it goes with its last binding. Binding the leader's
 * queue to it keeps it alive while the leader's queue lives, whoever unbinds first.
 *
 * The exchange carries the key's fingerprint ({@link RunNames.keyMark}): a run that reuses the run id
 * with another key gets a 406 for it and fails with `RUN_ID_IN_USE` before it publishes anything.
 *
 * Resolves to the channel to go on with: `channel`, or a new one on `connection` after a 406.
 * @throws {RunConflictError} `RUN_ID_IN_USE`
 *
 * Queues are durable because RabbitMQ 4 deprecates transient non-exclusive queues; messages stay
 * transient (no disk writes), and `x-expires` removes the queues either way.
 */
export async function declareRunTopology(
  connection: ChannelModel,
  channel: ConfirmChannel,
  names: RunNames,
  expiresMs: number,
  signingKey: string,
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
  try {
    await usable.assertExchange(names.logExchange, 'fanout', {
      durable: false,
      autoDelete: true,
      alternateExchange: names.keyMark(keyFingerprint(signingKey)),
    });
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    throw new RunConflictError(
      'RUN_ID_IN_USE',
      `run id ${names.runId} is in use by another run (another signing key); choose a new run id`,
    );
  }
  await usable.bindQueue(names.leaderQueue, names.logExchange, '');
  return usable;
}

/** The run's topology, or the run's sealed end when it is already over. */
export type JoinedRun =
  | { readonly channel: ConfirmChannel; readonly ended?: undefined }
  | { readonly channel: ConfirmChannel; readonly ended: EndMessage };

/**
 * Declares the run's topology ({@link declareRunTopology}) unless the run has ended: a party that
 * starts after the end finds the end record and gets the sealed end instead, and nothing of the run
 * is created again. The record is read before and after declaring: if the leader ended in between,
 * the leader's queue just declared is deleted again (only when nobody uses it and it is empty).
 *
 * @throws {RunConflictError} `RUN_ID_IN_USE` (another key's topology or end record)
 */
export async function joinRunTopology(
  connection: ChannelModel,
  channel: ConfirmChannel,
  access: EndRecordAccess,
  expiresMs: number,
): Promise<JoinedRun> {
  const before = await readEndRecord(connection, access);
  if (before !== undefined) return { channel, ended: before };
  const usable = await declareRunTopology(connection, channel, access.names, expiresMs, access.signingKey);
  const after = await readEndRecord(connection, access);
  if (after === undefined) return { channel: usable };
  const undo = await connection.createChannel();
  undo.on('error', () => undefined);
  // The binding goes with the queue, and the auto-delete exchange with its last binding.
  await undo.deleteQueue(access.names.leaderQueue, { ifUnused: true, ifEmpty: true }).then(
    () => undo.close(),
    () => undefined,
  );
  return { channel: usable, ended: after };
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
