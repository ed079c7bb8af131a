import { toInvocationError } from './classify.js';
import type { Clock } from './clock.js';
import { controlOf, type ResponseFuture } from './future.js';
import { interpretRecord } from './outcome.js';
import type { WhiskTransport } from './transport.js';

/** How often and how many activations are polled. */
export interface PollPolicy {
  /** Delay of the first poll after the invocation was accepted. */
  readonly initialMs: number;
  /** Each unfinished poll multiplies the future's interval by this. */
  readonly factor: number;
  /** Interval cap. */
  readonly maxMs: number;
  /** Most GETs in flight at once, over all futures. */
  readonly concurrency: number;
  /** Failed GETs in a row (network, 5xx) after which the future fails; 401/403 fail at once. */
  readonly maxConsecutiveErrors: number;
}

/** Counters for measurement. */
export interface PollCounters {
  /** GET requests sent. */
  requests: number;
  /** Highest number of GETs in flight at once. */
  maxInFlight: number;
}

interface Schedule {
  nextAt: number;
  interval: number;
  errors: number;
}

type Future = ResponseFuture<object>;

/** The reason the loop's sleep is cut short: something changed. */
const WAKE_UP = 'wake up';

/**
 * One poll loop for all futures of an executor. Each future has its own next-poll time that backs off
 * while the activation is unfinished, and a single concurrency bound covers all of them, so a thousand
 * futures cost a bounded number of requests in flight. The loop runs only while someone waits on at
 * least one future, so an executor nobody waits on holds no timer.
 */
export class ActivationPoller {
  readonly counters: PollCounters = { requests: 0, maxInFlight: 0 };
  readonly #transport: WhiskTransport;
  readonly #clock: Clock;
  readonly #policy: PollPolicy;
  readonly #onUpdate: (future: Future) => void;
  readonly #schedule = new Map<Future, Schedule>();
  readonly #watchers = new Map<Future, number>();
  readonly #inFlight = new Set<Future>();
  /** Futures the last scan found due but could not start for the concurrency bound, in scan order. */
  #waiting: Future[] = [];
  /** When the loop's current sleep ends. */
  #wakeAt = -Infinity;
  #wake = new AbortController();
  #looping = false;
  #closed = false;

  /** @param onUpdate called after a poll changed a future's state */
  constructor(
    transport: WhiskTransport,
    clock: Clock,
    policy: PollPolicy,
    onUpdate: (future: Future) => void,
  ) {
    this.#transport = transport;
    this.#clock = clock;
    this.#policy = policy;
    this.#onUpdate = onUpdate;
  }

  /** Starts polling an accepted invocation (when someone waits on it). */
  track(future: Future): void {
    const at = future.invokedAt ?? this.#clock.now();
    this.#schedule.set(future, {
      nextAt: at + this.#policy.initialMs,
      interval: this.#policy.initialMs,
      errors: 0,
    });
    this.#wakeUp();
  }

  /** Registers interest in `futures` until the returned function is called. */
  watch(futures: readonly Future[]): () => void {
    for (const f of futures) this.#watchers.set(f, (this.#watchers.get(f) ?? 0) + 1);
    if (!this.#looping && !this.#closed) void this.#loop();
    this.#wakeUp();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const f of futures) {
        const n = (this.#watchers.get(f) ?? 1) - 1;
        if (n <= 0) this.#watchers.delete(f);
        else this.#watchers.set(f, n);
      }
    };
  }

  /** Polls once those of `futures` whose next poll is due, within the concurrency bound. */
  async pollDue(futures: readonly Future[]): Promise<void> {
    const due = futures.filter((f) => this.#isDue(f, this.#clock.now()));
    const workers = Array.from({ length: Math.min(this.#policy.concurrency, due.length) }, async () => {
      for (let f = due.shift(); f !== undefined; f = due.shift()) {
        if (!this.#inFlight.has(f)) await this.#pollOne(f);
      }
    });
    await Promise.all(workers);
  }

  /** Stops the loop; in-flight requests finish but change nothing. */
  close(): void {
    this.#closed = true;
    this.#wakeUp();
  }

  // Aborting with a reason of our own: without one, every abort builds a DOMException and its stack,
  // which at a thousand polls a second is a measurable share of the process's time.
  #wakeUp(): void {
    if (!this.#wake.signal.aborted) this.#wake.abort(WAKE_UP);
  }

  #isDue(future: Future, now: number): boolean {
    const s = this.#schedule.get(future);
    return s !== undefined && !future.done && !this.#inFlight.has(future) && s.nextAt <= now;
  }

  async #loop(): Promise<void> {
    this.#looping = true;
    try {
      while (!this.#closed && this.#watchers.size > 0) {
        this.#wake = new AbortController();
        const now = this.#clock.now();
        let nextAt = Infinity;
        const waiting: Future[] = [];
        for (const f of this.#watchers.keys()) {
          const s = this.#schedule.get(f);
          if (s === undefined || f.done || this.#inFlight.has(f)) continue;
          if (s.nextAt > now) nextAt = Math.min(nextAt, s.nextAt);
          else if (this.#inFlight.size < this.#policy.concurrency) void this.#pollOne(f);
          else waiting.push(f);
        }
        // Due futures left over by the concurrency bound are not counted in nextAt: each finished
        // request starts the next of them without a new scan over every future.
        this.#waiting = waiting;
        const delay = nextAt === Infinity ? this.#policy.maxMs : Math.max(0, nextAt - now);
        this.#wakeAt = now + delay;
        await this.#clock.sleep(delay, this.#wake.signal);
      }
    } finally {
      this.#looping = false;
    }
  }

  async #pollOne(future: Future): Promise<void> {
    const s = this.#schedule.get(future);
    const id = future.activationId;
    if (s === undefined || id === undefined) return;
    this.#inFlight.add(future);
    this.counters.requests++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.#inFlight.size);
    const control = controlOf(future);
    const before = future.status;
    try {
      const record = await this.#transport.getActivation(id);
      if (this.#closed || future.done) return;
      if (record === undefined) {
        s.errors = 0;
        control.running();
        s.interval = Math.min(this.#policy.maxMs, s.interval * this.#policy.factor);
        s.nextAt = this.#clock.now() + s.interval;
        return;
      }
      this.#schedule.delete(future);
      const outcome = interpretRecord(record, future.action);
      if (outcome.ok) control.succeeded(record, outcome.result, outcome.stats);
      else control.failed(outcome.error, record, outcome.stats);
    } catch (err) {
      if (this.#closed || future.done) return;
      const error = toInvocationError(err, future.action, `reading activation ${id} of ${future.action}`);
      s.errors++;
      if (error.reason === 'UNAUTHORIZED' || s.errors >= this.#policy.maxConsecutiveErrors) {
        this.#schedule.delete(future);
        control.failed(error);
      } else {
        s.nextAt = this.#clock.now() + Math.min(this.#policy.maxMs, s.interval * 2 ** s.errors);
      }
    } finally {
      this.#inFlight.delete(future);
      // Most polls find the activation still running: waiters re-check (over all their futures) only
      // when a state changed, so a thousand futures do not cost a million checks per polling round.
      if (future.status !== before) this.#onUpdate(future);
      this.#afterPoll(future);
    }
  }

  /**
   * A request finished: start the next due future, or wake the loop when this future's next poll comes
   * before the loop's planned wake. Waking on every answer would rescan all futures each time, which at
   * ten thousand futures costs more than the requests.
   */
  #afterPoll(future: Future): void {
    if (this.#closed || this.#watchers.size === 0) {
      this.#wakeUp(); // the loop ends and lets go of its timer
      return;
    }
    const now = this.#clock.now();
    while (this.#waiting.length > 0 && this.#inFlight.size < this.#policy.concurrency) {
      const next = this.#waiting.shift();
      if (next !== undefined && this.#watchers.has(next) && this.#isDue(next, now)) void this.#pollOne(next);
    }
    const nextAt = this.#schedule.get(future)?.nextAt;
    if (this.#waiting.length === 0 && nextAt !== undefined && nextAt < this.#wakeAt) this.#wakeUp();
  }
}
