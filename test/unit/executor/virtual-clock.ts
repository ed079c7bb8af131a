import type { Clock } from '../../../src/executor/clock.js';

interface Sleeper {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * Discrete-event time for tests: `sleep` never waits for real. Once every pending promise has settled
 * (a `setImmediate` turn), time jumps to the earliest sleeper and wakes it, so code with timers, backoff
 * and deadlines runs deterministically and instantly.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #sleepers: Sleeper[] = [];
  #scheduled = false;
  /** Every delay passed to `sleep`, in call order. */
  readonly sleeps: number[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve) => {
      if (signal?.aborted === true) {
        resolve();
        return;
      }
      const sleeper: Sleeper = { at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const first = this.#sleepers.shift();
      if (first === undefined) return;
      this.#now = Math.max(this.#now, first.at);
      first.resolve();
      if (this.#sleepers.length > 0) this.#schedule();
    });
  }
}
