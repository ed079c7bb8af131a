import type { Channel, ChannelModel } from 'amqplib';
import { checkClockTime, wallClockMs, type Deadline } from '../protocol/deadline.js';
import { reasonOf, settleBy } from './errors.js';

/** Longest cleanup, however far the deadline: the broker removes whatever is left on expiry. */
export const CLEANUP_CAP_MS = 5000;

/** What one party deletes when it is done. */
export interface Owned {
  readonly queues: readonly string[];
  readonly exchanges: readonly string[];
}

/**
 * Deletes what this party owns and closes its channel, by `by` (on the one clock). A channel that a
 * broker error closed (a 404 from a publish) is replaced by a fresh one on the same connection, so a
 * dead channel does not leak the queues. Best effort: whatever is left (the broker unreachable, the
 * time up) expires on the broker by itself (`x-expires`, auto-delete).
 */
export async function cleanUp(
  connection: ChannelModel,
  channel: Channel,
  owned: Owned,
  by: number,
): Promise<void> {
  checkClockTime(by, 'cleanUp: by');
  const deleteOn = async (on: Channel) => {
    for (const queue of owned.queues) await on.deleteQueue(queue);
    for (const exchange of owned.exchanges) await on.deleteExchange(exchange);
    await on.close();
  };
  const work = (async () => {
    try {
      await deleteOn(channel);
    } catch {
      // Deletes are idempotent: redo them all on a channel of our own.
      const fresh = await connection.createChannel();
      fresh.on('error', () => undefined);
      await deleteOn(fresh);
    }
  })();
  try {
    await settleBy(work, by, 'cleaning up');
  } catch (error) {
    work.catch(() => undefined);
    console.log(`whisk-sync: cleanup incomplete (${reasonOf(error)}); the broker removes the rest on expiry`);
  }
}

/** When cleaning up must end: {@link CLEANUP_CAP_MS} from now, and never after `deadline.finishBy`. */
export function cleanupBy(deadline: Deadline): number {
  return Math.min(deadline.finishBy, wallClockMs() + CLEANUP_CAP_MS);
}
