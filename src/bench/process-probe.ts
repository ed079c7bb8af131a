import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';

import { AckBatcher } from '../broker/ack-batcher.js';
import { BrokerError, reasonOf, within } from '../broker/errors.js';
import { RUN_INBOX_PREFETCH } from '../broker/run-inbox.js';
import { decode, encode } from '../protocol/codec.js';
import { activationNonce, createRunCredentials } from '../protocol/credentials.js';
import { fencingToken } from '../protocol/messages.js';
import { openProbeConnection } from './amqp-probe.js';
import { percentiles, type Percentiles } from './stats.js';

const now = (): number => performance.now();
/** The echo peer runs from source under tsx (`npm run bench`) or compiled, like this module. */
const PEER = fileURLToPath(new URL(`./echo-peer${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * The least a handoff can cost on this machine and broker: a grant from this process to a child
 * process and the child's append back, each message signed, verified and decoded with the protocol's
 * codec, published on confirm channels and acknowledged in batches, as the actions do — with none of
 * the protocol's own logic. `samples` round trips after `warmup` unmeasured ones, in milliseconds.
 */
export async function measureProcessRoundTrip(
  url: string,
  samples: number,
  deadlineMs: number,
  warmup = 50,
): Promise<Percentiles> {
  const { runId: run, signingKey: key } = createRunCredentials();
  const toPeer = `wsync.bench-${run}.peer-in`;
  const fromPeer = `wsync.bench-${run}.peer-out`;
  const connection = await openProbeConnection(url, deadlineMs);
  let peer: ChildProcess | undefined;
  let channel: ConfirmChannel;
  try {
    channel = await connection.createConfirmChannel();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new BrokerError(`could not open a channel: ${reasonOf(error)}`, { cause: error });
  }
  const acks = new AckBatcher(channel, RUN_INBOX_PREFETCH);
  try {
    const work = async (): Promise<number[]> => {
      const queue = { durable: true, autoDelete: false, expires: deadlineMs + 60_000 };
      await channel.assertQueue(toPeer, queue);
      await channel.assertQueue(fromPeer, queue);
      peer = fork(PEER, [], {
        env: {
          ...process.env,
          BENCH_AMQP_URL: url,
          BENCH_IN: toPeer,
          BENCH_OUT: fromPeer,
          BENCH_RUN: run,
          BENCH_KEY: key,
        },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      await peerReady(peer);
      const epoch = activationNonce();
      const nonce = activationNonce();
      let answered: ((seq: number) => void) | undefined;
      let refused: ((error: Error) => void) | undefined;
      await channel.prefetch(RUN_INBOX_PREFETCH);
      await channel.consume(
        fromPeer,
        (delivery: ConsumeMessage | null) => {
          if (delivery === null) return;
          acks.add(delivery);
          const decoded = decode(delivery.content, key, run);
          if ('drop' in decoded) refused?.(new Error(`the echo peer's answer was dropped: ${decoded.drop}`));
          else if (decoded.message.k === 'append') answered?.(decoded.message.seq);
        },
        { noAck: false },
      );
      const times: number[] = [];
      for (let seq = 0; seq < warmup + samples; seq++) {
        const grant = {
          k: 'grant',
          run,
          epoch,
          no: seq,
          slave: 0,
          nonce,
          seq,
          token: fencingToken(epoch, seq),
          leaseMs: 5000,
        } as const;
        const t = now();
        await new Promise<void>((resolve, reject) => {
          refused = reject;
          answered = (answeredSeq) => {
            if (answeredSeq === seq) resolve();
          };
          channel.publish('', toPeer, encode(grant, key), { persistent: false }, () => undefined);
        });
        if (seq >= warmup) times.push(now() - t);
      }
      return times;
    };
    const p = percentiles(await within(work(), deadlineMs, 'measuring the round trip between two processes'));
    if (p === undefined) throw new Error('no round trip between two processes measured');
    return p;
  } finally {
    acks.stop();
    if (peer !== undefined) await stopPeer(peer);
    await Promise.all([channel.deleteQueue(toPeer), channel.deleteQueue(fromPeer)]).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}

/** Kills the peer and waits (at most 2 s) until it is gone, so no process outlives the probe. */
async function stopPeer(peer: ChildProcess): Promise<void> {
  if (peer.exitCode !== null || peer.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => {
    peer.once('exit', () => {
      resolve();
    });
  });
  peer.kill();
  await within(gone, 2000, 'stopping the echo peer').catch(() => peer.kill('SIGKILL'));
}

function peerReady(peer: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    peer.once('message', () => {
      resolve();
    });
    peer.once('exit', (code) => {
      reject(new Error(`the echo peer exited before it was ready (code ${code})`));
    });
    peer.once('error', reject);
  });
}
