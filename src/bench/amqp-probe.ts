import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';

import { socketOptions } from '../broker/connection.js';
import { BrokerError, reasonOf, within } from '../broker/errors.js';
import { percentiles, type Percentiles } from './stats.js';

/** Round trip between two connections (publish → consume → publish back), in milliseconds. */
export interface RoundTripFigures extends Percentiles {
  readonly noDelay: true;
}

/** The broker's fanout throughput with `queues` bound queues. */
export interface FanoutFigures {
  readonly queues: number;
  readonly messages: number;
  readonly deliveries: number;
  readonly deliveriesPerSecond: number;
  /** Time for one message to reach every bound queue at that rate: the floor of a fanned-out append. */
  readonly perMessageMs: number;
}

const now = (): number => performance.now();
/** A signed append is about this long; the probes send bodies of the same size. */
const BODY = Buffer.alloc(220, 'x');

/** A connection as the actions open one (TCP_NODELAY), its errors surfaced as {@link BrokerError}. */
export async function openProbeConnection(url: string, timeoutMs: number): Promise<ChannelModel> {
  try {
    const connection = await connect(url, socketOptions(new URL(url), timeoutMs));
    connection.on('error', () => undefined);
    return connection;
  } catch (error) {
    throw new BrokerError(`could not connect to the broker: ${reasonOf(error)}`, { cause: error });
  }
}

function names(what: string): string {
  return `wsync.bench-${randomBytes(6).toString('hex')}.${what}`;
}

async function closeAll(connections: readonly ChannelModel[]): Promise<void> {
  await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
}

/**
 * Measures the raw AMQP round trip the way the actions talk: two connections with TCP_NODELAY, one
 * message bouncing between two queues, `samples` times after `warmup` unmeasured trips.
 */
export async function measureRoundTrip(
  url: string,
  samples: number,
  deadlineMs: number,
  warmup = 50,
): Promise<RoundTripFigures> {
  const a = await openProbeConnection(url, deadlineMs);
  const b = await openProbeConnection(url, deadlineMs).catch(async (error: unknown) => {
    await closeAll([a]);
    throw error;
  });
  try {
    const work = async () => {
      const [chA, chB] = await Promise.all([a.createChannel(), b.createChannel()]);
      const qa = names('rtt-a');
      const qb = names('rtt-b');
      await chA.assertQueue(qa, { exclusive: true });
      await chB.assertQueue(qb, { exclusive: true });
      await chB.consume(
        qb,
        (m) => {
          if (m !== null) chB.sendToQueue(qa, m.content);
        },
        { noAck: true },
      );
      let waiting: (() => void) | undefined;
      await chA.consume(
        qa,
        (m) => {
          if (m !== null) waiting?.();
        },
        { noAck: true },
      );
      const times: number[] = [];
      for (let i = 0; i < warmup + samples; i++) {
        const t = now();
        await new Promise<void>((resolve) => {
          waiting = resolve;
          chA.sendToQueue(qb, BODY);
        });
        if (i >= warmup) times.push(now() - t);
      }
      return times;
    };
    const times = await within(work(), deadlineMs, 'measuring the round trip');
    const p = percentiles(times);
    if (p === undefined) throw new Error('no round trip measured');
    return { ...p, noDelay: true };
  } finally {
    await closeAll([a, b]);
  }
}

/**
 * Measures how many deliveries per second the broker's fanout makes with `queues` bound queues:
 * one publisher connection, one consumer connection on all queues, `messages` messages.
 */
export async function measureFanout(
  url: string,
  queues: number,
  messages: number,
  deadlineMs: number,
): Promise<FanoutFigures> {
  const publisher = await openProbeConnection(url, deadlineMs);
  const consumer = await openProbeConnection(url, deadlineMs).catch(async (error: unknown) => {
    await closeAll([publisher]);
    throw error;
  });
  try {
    const work = async () => {
      const pub = await publisher.createChannel();
      const sub = await consumer.createChannel();
      const exchange = names('fanout');
      await pub.assertExchange(exchange, 'fanout', { durable: false, autoDelete: true });
      const expected = queues * messages;
      let received = 0;
      let done: (() => void) | undefined;
      const all = new Promise<void>((resolve) => (done = resolve));
      const base = names('q');
      for (let i = 0; i < queues; i++) {
        const queue = `${base}.${i}`;
        await sub.assertQueue(queue, { exclusive: true });
        await sub.bindQueue(queue, exchange, '');
        await sub.consume(
          queue,
          () => {
            received += 1;
            if (received === expected) done?.();
          },
          { noAck: true },
        );
      }
      const t = now();
      await publishAll(pub, exchange, messages);
      await all;
      const seconds = (now() - t) / 1000;
      const perSecond = expected / seconds;
      return {
        queues,
        messages,
        deliveries: expected,
        deliveriesPerSecond: Math.round(perSecond),
        perMessageMs: Math.round((queues / perSecond) * 1000 * 100) / 100,
      };
    };
    return await within(work(), deadlineMs, `measuring the fanout with ${queues} queues`);
  } finally {
    await closeAll([publisher, consumer]);
  }
}

/** Publishes `count` bodies, waiting for 'drain' whenever the channel's buffer is full. */
async function publishAll(channel: Channel, exchange: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (!channel.publish(exchange, '', BODY)) {
      await new Promise<void>((resolve) => channel.once('drain', resolve));
    }
  }
}

/** The broker's product and version from the AMQP server properties, e.g. `RabbitMQ 3.10.8`. */
export async function brokerVersion(url: string, deadlineMs: number): Promise<string> {
  const connection = await openProbeConnection(url, deadlineMs);
  try {
    const { product, version } = connection.connection.serverProperties;
    return `${product} ${version}`;
  } finally {
    await closeAll([connection]);
  }
}
