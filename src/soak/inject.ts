import { connect, type ChannelModel } from 'amqplib';

/** A queue (through the default exchange) or an exchange to publish into. */
export type InjectInto = { readonly queue: string } | { readonly exchange: string };

/**
 * Publishes raw bodies into a queue or an exchange on its own channel of `connection`, as an intruder
 * would, waits for the broker's confirms and returns how many reached a queue. They are published
 * `mandatory`, so the broker hands back (before confirming) those that no queue took: a queue that is
 * gone, an exchange with nothing bound. An exchange that does not exist (any more) closes the channel:
 * then this rejects and the connection stays usable.
 */
export async function publishRaw(
  connection: ChannelModel,
  into: InjectInto,
  bodies: readonly Buffer[],
): Promise<number> {
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  let returned = 0;
  channel.on('return', () => {
    returned++;
  });
  try {
    for (const body of bodies) {
      if ('queue' in into) channel.sendToQueue(into.queue, body, { mandatory: true });
      else channel.publish(into.exchange, '', body, { mandatory: true });
    }
    await channel.waitForConfirms();
    return bodies.length - returned;
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
