import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * Longest time a delivery stays unacknowledged while fewer than half the prefetch window are pending.
 * Acks only free the broker's window; the protocol never waits for them, so they go out in batches
 * off the critical path (one socket write per batch and channel instead of one per delivery).
 */
export const ACK_IDLE_MS = 50;

/**
 * Acknowledges one consumer's deliveries in batches: one `multiple` ack once half the prefetch window
 * is pending (after the burst that filled it), else after {@link ACK_IDLE_MS}, and on {@link flush}.
 */
export class AckBatcher {
  private last: ConsumeMessage | undefined;
  private pending = 0;
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  // Half the window: the broker never stalls a delivery (a grant) for want of an ack.
  private readonly every: number;

  constructor(
    private readonly channel: Channel,
    prefetch: number,
  ) {
    this.every = Math.max(1, Math.floor(prefetch / 2));
  }

  /** Counts a delivery; its ack goes out with the batch. */
  add(delivery: ConsumeMessage): void {
    if (this.stopped) return;
    this.last = delivery;
    this.pending += 1;
    if (this.pending >= this.every) {
      if (this.flushQueued) return;
      this.flushQueued = true;
      setImmediate(() => {
        this.flush();
      });
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, ACK_IDLE_MS);
    }
  }

  /** Acknowledges every delivery counted so far, now. */
  flush(): void {
    this.flushQueued = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = 0;
    const last = this.last;
    this.last = undefined;
    if (last === undefined || this.stopped) return;
    try {
      this.channel.ack(last, true);
    } catch {
      // The channel is closed: the broker requeues what it had not seen acknowledged; nothing to do.
    }
  }

  /** Acknowledges nothing more: the consumer is done, or its channel failed. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
