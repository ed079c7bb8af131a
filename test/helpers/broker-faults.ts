/**
 * Fault injection against the real broker: waiting for messages in a queue, and publishing raw bytes
 * into a run's queues and exchanges (closing connections is in src/soak/connections.ts).
 */
import { connect } from 'amqplib';
import { inject as injectInto, type InjectInto } from '../../src/soak/inject.js';
import { AMQP_URL } from './round.js';

/** Polls `queue` until it exists and holds at least `count` ready messages; rejects after `timeoutMs`. */
export async function waitForMessages(queue: string, count: number, timeoutMs = 20_000): Promise<void> {
  await pollQueue(queue, (q) => q.messageCount >= count, `did not reach ${count} messages`, timeoutMs);
}

/** Publishes raw bodies into a queue (default exchange) or an exchange of the test broker, as an intruder would. */
export async function inject(into: InjectInto, bodies: readonly Buffer[]): Promise<void> {
  await injectInto(AMQP_URL, into, bodies);
}

/** Polls until `queue` exists and has at least one consumer; rejects after `timeoutMs`. */
export async function waitForConsumer(queue: string, timeoutMs = 20_000): Promise<void> {
  await pollQueue(queue, (q) => q.consumerCount > 0, 'got no consumer', timeoutMs);
}

/** Passively checks `queue` every 100 ms until `enough` holds; a queue not declared yet is waited for. */
async function pollQueue(
  queue: string,
  enough: (state: { messageCount: number; consumerCount: number }) => boolean,
  failure: string,
  timeoutMs: number,
): Promise<void> {
  const connection = await connect(AMQP_URL);
  connection.on('error', () => undefined);
  try {
    const stopAt = Date.now() + timeoutMs;
    while (Date.now() < stopAt) {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      const state = await channel.checkQueue(queue).then(
        (q) => q,
        () => undefined, // not declared yet: a failed passive declare closes this channel
      );
      if (state !== undefined) await channel.close();
      if (state !== undefined && enough(state)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${queue} ${failure} within ${timeoutMs} ms`);
  } finally {
    await connection.close();
  }
}
