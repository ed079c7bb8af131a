import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { encode } from '../protocol/codec.js';
import type { Send } from '../protocol/messages.js';
import { BrokerError, reasonOf } from './errors.js';
import type { RunNames } from './names.js';

/**
 * Reports the first sign that `channel` is unusable (the channel closed or errored, or its connection
 * closed) to `fail` as a {@link BrokerError}; returns the function that stops listening.
 */
export function watchChannel(
  channel: Channel,
  connection: ChannelModel,
  fail: (error: BrokerError) => void,
): () => void {
  const onChannelClose = (): void => {
    // A lost connection closes its channels first; give its own, more telling event a turn.
    setImmediate(() => {
      fail(new BrokerError('the broker closed the channel'));
    });
  };
  const onChannelError = (error: Error): void => {
    fail(new BrokerError(`the broker closed the channel: ${reasonOf(error)}`, { cause: error }));
  };
  const onConnectionClose = (error?: Error): void => {
    const why = error === undefined ? 'closed' : reasonOf(error);
    fail(new BrokerError(`lost the broker connection: ${why}`, { cause: error }));
  };
  channel.on('close', onChannelClose);
  channel.on('error', onChannelError);
  connection.on('close', onConnectionClose);
  return () => {
    channel.off('close', onChannelClose);
    channel.off('error', onChannelError);
    connection.off('close', onConnectionClose);
  };
}

/**
 * Signs and publishes `sends` in order on a confirm channel, to where each one's target maps.
 * @param confirmed - called once per message, with an error if the broker refused it
 */
export function publishSigned(
  channel: ConfirmChannel,
  names: RunNames,
  signingKey: string,
  sends: readonly Send[],
  confirmed: (error: BrokerError | undefined) => void,
): void {
  for (const { target, message } of sends) {
    const [exchange, routingKey] = names.destination(target);
    channel.publish(
      exchange,
      routingKey,
      encode(message, signingKey),
      { persistent: false },
      (error: unknown) => {
        const refused = error !== null && error !== undefined;
        confirmed(refused ? new BrokerError(`the broker refused a ${message.k} message`) : undefined);
      },
    );
  }
}
