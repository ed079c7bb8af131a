/**
 * Fault injection against the real broker: closing a process's connection, waiting for messages in a
 * queue, and publishing raw bytes into a run's queues and exchanges.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { AMQP_URL } from './round.js';

const run = promisify(execFile);

/** Closes (broker side) every AMQP connection opened by OS process `pid`. Returns how many. */
export async function closeConnectionsOf(pid: number): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties'], {
    timeout: 30_000,
  });
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`whisk-sync pid ${pid}"`))
    .map((line) => line.split('\t')[0] ?? '');
  for (const connection of pids) {
    await run('rabbitmqctl', ['-q', 'close_connection', connection, 'closed by a fault-injection test'], {
      timeout: 30_000,
    });
  }
  return pids.length;
}

/** Polls `queue` until it exists and holds at least `count` ready messages; rejects after `timeoutMs`. */
export async function waitForMessages(queue: string, count: number, timeoutMs = 20_000): Promise<void> {
  await pollQueue(queue, (q) => q.messageCount >= count, `did not reach ${count} messages`, timeoutMs);
}

/** Publishes raw bodies into a queue (default exchange) or an exchange, as an intruder would. */
export async function inject(
  into: { readonly queue: string } | { readonly exchange: string },
  bodies: readonly Buffer[],
): Promise<void> {
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    for (const body of bodies) {
      if ('queue' in into) channel.sendToQueue(into.queue, body);
      else channel.publish(into.exchange, '', body);
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
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
