/**
 * Watches a run's fanout exchange the way a slave does, through a queue of its own (exclusive: gone
 * with its connection), so a test can wait for what the protocol really did — a revocation in the
 * leader's log, entries committed — instead of sleeping and hoping.
 */
import { connect, type ChannelModel } from 'amqplib';

import { runNames } from '../../src/broker/names.js';
import { AMQP_URL } from './round.js';

/** A message seen on the run's log exchange, its JSON part parsed (the signature is not checked). */
export type LogTraffic = Readonly<Record<string, unknown>> & { readonly k?: unknown };

export class LogObserver {
  readonly seen: LogTraffic[] = [];
  readonly #waiters = new Set<() => void>();

  private constructor(private readonly connection: ChannelModel) {}

  /** Binds a private queue to the run's log exchange, which must exist already. */
  static async start(runId: string): Promise<LogObserver> {
    const connection = await connect(AMQP_URL);
    connection.on('error', () => undefined);
    const observer = new LogObserver(connection);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, runNames(runId).logExchange, '');
    await channel.consume(
      queue,
      (delivery) => {
        if (delivery === null) return;
        const body = delivery.content.toString('utf8');
        try {
          observer.seen.push(JSON.parse(body.slice(body.indexOf('.') + 1)) as LogTraffic);
        } catch {
          // Not a protocol message (a test's own garbage): nothing to learn from it.
        }
        for (const wake of observer.#waiters) wake();
      },
      { noAck: true },
    );
    return observer;
  }

  /** Resolves once `holds(seen)` is true; rejects after `timeoutMs` naming `what`. */
  until(what: string, holds: (seen: readonly LogTraffic[]) => boolean, timeoutMs = 30_000): Promise<void> {
    if (holds(this.seen)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        if (!holds(this.seen)) return;
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`the run's log did not show ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Slave ids revoked in the leader's log messages seen so far. */
export function revokedSlaves(seen: readonly LogTraffic[]): number[] {
  return seen.flatMap((m) =>
    (m.k === 'log' || m.k === 'end') && Array.isArray(m.rev)
      ? (m.rev as unknown[]).map((r) => (Array.isArray(r) ? Number(r[1]) : Number.NaN))
      : [],
  );
}

/** Slave ids with an entry committed in the leader's log messages seen so far. */
export function committedSlaves(seen: readonly LogTraffic[]): number[] {
  return seen.flatMap((m) =>
    (m.k === 'log' || m.k === 'end') && Array.isArray(m.add)
      ? (m.add as unknown[]).map((e) => (Array.isArray(e) ? Number(e[0]) : Number.NaN))
      : [],
  );
}
