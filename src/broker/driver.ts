import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { decode } from '../protocol/codec.js';
import type { Message, Send } from '../protocol/messages.js';
import { BrokerError, reasonOf, within } from './errors.js';
import type { RunNames } from './names.js';
import { WakeTimer } from './wake-timer.js';
import { AckBatcher } from './ack-batcher.js';
import { publishSigned, watchChannel } from './channel-io.js';

/** Longest wait for the broker to confirm a finished party's last messages. */
export const CONFIRM_MS = 5000;

/** The part of a protocol machine the driver runs; both the leader and the slave machine fit. */
export interface DrivenMachine {
  receive(message: Message, now: number): Send[];
  drop(reason: string, now: number): void;
  tick(now: number): Send[] | undefined;
  readonly wakeAt: number | undefined;
}

/** The machine a shell drives and how it asks about it; shared by {@link drive} and `driveInInbox`. */
export interface MachineDriving {
  readonly machine: DrivenMachine;
  /** Messages to publish once the party can receive (a slave's request, the leader's first beat). */
  readonly initial: () => Send[];
  readonly isDone: () => boolean;
  /** Clock of the machine's times: `performance.timeOrigin + performance.now()`. */
  readonly now: () => number;
  /**
   * Called once when the shell is ready, with `feed`: it runs `input` (a call into the machine made
   * outside a delivery, such as a callback's result) through the same step as a delivery — publish
   * what it returns, re-arm the timer, finish when done. Ignored after the end.
   */
  readonly attach?: (feed: (input: () => readonly Send[] | undefined) => void) => void;
}

/** Everything {@link drive} needs. */
export interface DriveOptions extends MachineDriving {
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  readonly names: RunNames;
  /** The queue this party consumes. */
  readonly queue: string;
  readonly runId: string;
  readonly signingKey: string;
  /** Unacknowledged deliveries the broker may push ahead. */
  readonly prefetch: number;
}

/**
 * The imperative shell around a protocol machine: consumes the party's queue with manual acks, feeds
 * every delivery (decoded and verified, or as a counted drop) to the machine, publishes what it asks
 * for in order on one confirm channel, and keeps one timer at the machine's `wakeAt`.
 *
 * Resolves once the machine is done and every publish is confirmed; rejects with a
 * {@link BrokerError} if the connection or channel fails, a publish is refused, or the consumer is
 * cancelled. The machine owns every deadline, so this never waits past it.
 */
export function drive(options: DriveOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { channel, connection, machine, now } = options;
    const wake = new WakeTimer(() => {
      step(() => machine.tick(now()));
    }, now);
    let consumerTag: string | undefined;
    let settled = false;
    const acks = new AckBatcher(channel, options.prefetch);

    const unwatch = watchChannel(channel, connection, fail);

    const detach = () => {
      wake.stop();
      acks.stop();
      unwatch();
    };

    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      detach();
      reject(error);
    }

    function finishIfDone(): void {
      if (settled || !options.isDone()) return;
      settled = true;
      wake.stop();
      acks.flush();
      acks.stop();
      const tag = consumerTag;
      // Stop deliveries, then make sure every publish (the append, the end) reached its queues.
      const stop = tag === undefined ? Promise.resolve() : channel.cancel(tag).then(() => undefined);
      within(Promise.all([stop, channel.waitForConfirms()]), CONFIRM_MS, 'confirming the last messages').then(
        () => {
          detach();
          resolve();
        },
        (error: unknown) => {
          detach();
          reject(new BrokerError(`the broker did not confirm the last messages: ${reasonOf(error)}`));
        },
      );
    }

    function publish(sends: readonly Send[] | undefined): void {
      publishSigned(channel, options.names, options.signingKey, sends ?? [], (error) => {
        if (error !== undefined) fail(error);
      });
    }

    function schedule(): void {
      if (settled) wake.stop();
      else wake.set(machine.wakeAt);
    }

    function step(input: () => readonly Send[] | undefined): void {
      if (settled) return;
      try {
        publish(input());
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      schedule();
      finishIfDone();
    }

    function onDelivery(delivery: ConsumeMessage | null): void {
      if (delivery === null) {
        fail(new BrokerError(`the broker cancelled the consumer of ${options.queue} (queue deleted?)`));
        return;
      }
      acks.add(delivery);
      const decoded = decode(delivery.content, options.signingKey, options.runId);
      if ('drop' in decoded) {
        machine.drop(decoded.drop, now());
        return;
      }
      step(() => machine.receive(decoded.message, now()));
    }

    channel
      .prefetch(options.prefetch)
      .then(() => channel.consume(options.queue, onDelivery, { noAck: false }))
      .then(
        (reply) => {
          consumerTag = reply.consumerTag;
          step(options.initial);
          options.attach?.(step);
        },
        (error: unknown) => {
          fail(new BrokerError(`could not consume ${options.queue}: ${reasonOf(error)}`, { cause: error }));
        },
      );
  });
}
