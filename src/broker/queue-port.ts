import type { ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { decode } from '../protocol/codec.js';
import { msUntil } from '../protocol/deadline.js';
import { AckBatcher } from './ack-batcher.js';
import { publishSigned, watchChannel } from './channel-io.js';
import type { MachinePort, PortListener } from './driver.js';
import { BrokerError, reasonOf, settleBy } from './errors.js';
import type { RunNames } from './names.js';

/** Everything {@link queuePort} needs. */
export interface QueuePortOptions {
  readonly connection: ChannelModel;
  /** Channel the port consumes and publishes on; the caller deletes and closes it afterwards. */
  readonly channel: ConfirmChannel;
  readonly names: RunNames;
  /** The queue this party consumes. */
  readonly queue: string;
  readonly runId: string;
  readonly signingKey: string;
  /** Unacknowledged deliveries the broker may push ahead. */
  readonly prefetch: number;
  /** Options of the consumer (e.g. `exclusive`); acknowledgements are always manual. Default none. */
  readonly consume?: Omit<Options.Consume, 'noAck'>;
  /**
   * Runs once the consumer is in place, before the port reports itself open; a rejection fails the
   * open with that error. The leader checks here that the run did not end while it was taking the queue.
   */
  readonly consumed?: () => Promise<void>;
}

/**
 * A party's own queue as a {@link MachinePort}: consumes it with manual acks (acknowledged in
 * batches), verifies and decodes each delivery once, and publishes signed on the same confirm channel.
 */
export function queuePort(options: QueuePortOptions): MachinePort {
  const { channel, connection, queue, signingKey, runId } = options;
  const acks = new AckBatcher(channel, options.prefetch);
  let unwatch: (() => void) | undefined;
  let consumerTag: string | undefined;
  let closed = false;

  return {
    async open(listener: PortListener, by: number): Promise<void> {
      unwatch = watchChannel(channel, connection, (error) => {
        listener.fail(error);
      });
      const onDelivery = (delivery: ConsumeMessage | null): void => {
        if (delivery === null) {
          listener.fail(new BrokerError(`the broker cancelled the consumer of ${queue} (queue deleted?)`));
          return;
        }
        acks.add(delivery);
        const decoded = decode(delivery.content, signingKey, runId);
        if ('drop' in decoded) listener.drop(decoded.drop);
        else listener.receive(decoded.message);
      };
      const subscribe = async () => {
        await channel.prefetch(options.prefetch);
        return channel.consume(queue, onDelivery, { ...options.consume, noAck: false });
      };
      try {
        consumerTag = (await settleBy(subscribe(), by, `subscribing to ${queue}`)).consumerTag;
      } catch (error) {
        throw new BrokerError(`could not consume ${queue}: ${reasonOf(error)}`, { cause: error });
      }
      if (options.consumed !== undefined) await options.consumed();
    },

    publish(sends, confirmed): void {
      publishSigned(channel, options.names, signingKey, sends, confirmed);
    },

    async close(by: number): Promise<void> {
      if (closed) return;
      closed = true;
      unwatch?.();
      const tag = consumerTag;
      // After a failure (`by` has passed) the channel may be dead: no ack, no cancel.
      if (tag === undefined || msUntil(by) === 0) {
        acks.stop();
        return;
      }
      acks.flush();
      acks.stop();
      // Stops deliveries before the caller deletes the queue; the delete would remove the consumer too.
      const cancel = Promise.resolve().then(() => channel.cancel(tag));
      await settleBy(cancel, by, `stopping the consumer of ${queue}`).catch(() => undefined);
    },
  };
}
