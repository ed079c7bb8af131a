import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';

/** RabbitMQ's event exchange, present while the `rabbitmq_event_exchange` plugin runs. */
export const EVENT_EXCHANGE = 'amq.rabbitmq.event';

/** What the broker announced: a queue or exchange created or deleted, or a client connection opened. */
export type BrokerEvent =
  | {
      readonly kind: 'created' | 'deleted';
      readonly entity: 'queue' | 'exchange';
      readonly name: string;
      /** True when the broker removed it itself (`x-expires`, auto-delete), not a client. */
      readonly internal: boolean;
    }
  | {
      readonly kind: 'connection';
      /** The broker's id of the connection, what `rabbitmqctl close_connection` takes. */
      readonly connectionPid: string;
      /** The client-provided connection name; empty when the client set none. */
      readonly name: string;
    };

const ROUTING_KEYS = [
  'queue.created',
  'queue.deleted',
  'exchange.created',
  'exchange.deleted',
  'connection.created',
];

/**
 * A subscription to the broker's event exchange: every party of every run is seen the moment the broker
 * creates its queue, exchange or connection, however short-lived the run.
 */
export class BrokerEvents {
  readonly #listeners = new Set<(event: BrokerEvent) => void>();
  /** Why the subscription ended, once it has: from then on no event arrives. */
  lost: string | undefined;

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  /** Binds a private queue to {@link EVENT_EXCHANGE}; fails when the plugin is not running. */
  static async open(url: string): Promise<BrokerEvents> {
    const connection = await connect(url);
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
      for (const key of ROUTING_KEYS) await channel.bindQueue(queue, EVENT_EXCHANGE, key);
      const events = new BrokerEvents(connection, channel);
      const lose = (why: string) => () => {
        events.lost ??= why;
      };
      connection.on('close', lose('the connection to the broker closed'));
      channel.on('close', lose('the channel closed'));
      await channel.consume(
        queue,
        (message) => {
          events.#deliver(message);
        },
        { noAck: true },
      );
      return events;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: BrokerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.lost ??= 'closed';
    this.#listeners.clear();
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  #deliver(message: ConsumeMessage | null): void {
    if (message === null) {
      this.lost ??= 'the broker cancelled the subscription (its queue was deleted)';
      return;
    }
    const event = parseEvent(message.fields.routingKey, message.properties.headers ?? {});
    if (event === undefined) return;
    for (const listener of this.#listeners) listener(event);
  }
}

/** The event a message of the event exchange describes, or undefined for one this module does not use. */
export function parseEvent(
  routingKey: string,
  headers: Readonly<Record<string, unknown>>,
): BrokerEvent | undefined {
  const text = (key: string): string => {
    const value = headers[key];
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : '';
  };
  if (routingKey === 'connection.created') {
    return { kind: 'connection', connectionPid: text('pid'), name: text('user_provided_name') };
  }
  const [entity, action] = routingKey.split('.');
  if ((entity !== 'queue' && entity !== 'exchange') || (action !== 'created' && action !== 'deleted')) {
    return undefined;
  }
  return {
    kind: action,
    entity,
    name: text('name'),
    internal: text('user_who_performed_action') === 'rmq-internal',
  };
}
