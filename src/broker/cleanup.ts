import type { Channel } from 'amqplib';
import { reasonOf, within } from './errors.js';

/**
 * Deletes what this party owns and closes its channel. Best effort within `ms`: whatever is left
 * (the broker unreachable, the time up) expires on the broker by itself (`x-expires`, auto-delete).
 */
export async function cleanUp(
  channel: Channel,
  owned: { readonly queues: readonly string[]; readonly exchanges: readonly string[] },
  ms: number,
): Promise<void> {
  const work = (async () => {
    for (const queue of owned.queues) await channel.deleteQueue(queue);
    for (const exchange of owned.exchanges) await channel.deleteExchange(exchange);
    await channel.close();
  })();
  try {
    await within(work, ms, 'cleaning up');
  } catch (error) {
    // The channel may already be closed by a broker failure; expiry removes the rest.
    work.catch(() => undefined);
    console.log(`whisk-sync: cleanup incomplete (${reasonOf(error)}); the broker removes the rest on expiry`);
  }
}

/** Time for cleaning up: up to 5 s, but never past the activation's deadline (epoch ms). */
export function cleanupBudget(deadline: number): number {
  return Math.min(5000, Math.max(200, deadline - Date.now() - 200));
}
