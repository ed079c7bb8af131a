/**
 * Child-process side of {@link measureProcessRoundTrip}: plays a granted slave without its protocol
 * logic. For every grant-shaped message on its queue it verifies and decodes it, answers with a signed
 * append on a confirm channel, and acknowledges in batches, the way the actions do.
 *
 * Environment: BENCH_AMQP_URL, BENCH_IN (queue to consume), BENCH_OUT (queue to answer to), BENCH_RUN,
 * BENCH_KEY. Tells its parent `ready` over IPC once it consumes; exits when the parent disconnects.
 */
import { randomInt } from 'node:crypto';
import { connect } from 'amqplib';

import { AckBatcher } from '../broker/ack-batcher.js';
import { socketOptions } from '../broker/connection.js';
import { RUN_INBOX_PREFETCH } from '../broker/run-inbox.js';
import { decode, encode } from '../protocol/codec.js';
import { MAX_VALUE } from '../protocol/limits.js';

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`echo peer: ${name} is not set`);
  return value;
}

async function serve(): Promise<void> {
  const url = setting('BENCH_AMQP_URL');
  const inbox = setting('BENCH_IN');
  const answerTo = setting('BENCH_OUT');
  const run = setting('BENCH_RUN');
  const key = setting('BENCH_KEY');
  const connection = await connect(url, socketOptions(new URL(url), 10_000));
  connection.on('error', () => undefined);
  const channel = await connection.createConfirmChannel();
  await channel.prefetch(RUN_INBOX_PREFETCH);
  const acks = new AckBatcher(channel, RUN_INBOX_PREFETCH);
  await channel.consume(
    inbox,
    (delivery) => {
      if (delivery === null) return;
      acks.add(delivery);
      const decoded = decode(delivery.content, key, run);
      if ('message' in decoded && decoded.message.k === 'grant') {
        const grant = decoded.message;
        const append = {
          k: 'append',
          run,
          no: grant.no,
          slave: grant.slave,
          nonce: grant.nonce,
          seq: grant.seq,
          token: grant.token,
          value: randomInt(0, MAX_VALUE + 1),
        } as const;
        channel.publish('', answerTo, encode(append, key), { persistent: false }, () => undefined);
      }
    },
    { noAck: false },
  );
  process.on('disconnect', () => {
    acks.stop();
    void connection.close().finally(() => process.exit(0));
  });
  process.send?.('ready');
}

serve().catch((error: unknown) => {
  process.stderr.write(`echo peer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
