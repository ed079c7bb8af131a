import { connect, type ChannelModel } from 'amqplib';

/** A queue (through the default exchange) or an exchange to publish into. */
export type InjectInto = { readonly queue: string } | { readonly exchange: string };

/**
 * Publishes raw bodies into a queue or an exchange on its own channel of `connection`, as an intruder
 * would, and waits for the broker's confirms. An exchange that does not exist (any more) closes the
 * channel: then this rejects and the connection stays usable.
 */
export async function publishRaw(
  connection: ChannelModel,
  into: InjectInto,
  bodies: readonly Buffer[],
): Promise<void> {
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  try {
    for (const body of bodies) {
      if ('queue' in into) channel.sendToQueue(into.queue, body);
      else channel.publish(into.exchange, '', body);
    }
    await channel.waitForConfirms();
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** {@link publishRaw} on a connection of its own to `url`. */
export async function inject(url: string, into: InjectInto, bodies: readonly Buffer[]): Promise<void> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    await publishRaw(connection, into, bodies);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
