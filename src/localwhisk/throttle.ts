import { HttpError } from './errors.js';
import { tooManyConcurrentRequests, tooManyRequests } from './messages.js';

/**
 * The two namespace throttles of OpenWhisk: invocations per minute (counted per wall-clock minute, as the
 * controller does) and activations in flight. `admit` throws a 429 {@link HttpError} with OpenWhisk's text.
 */
export class NamespaceThrottle {
  private inFlightCount = 0;
  private minute = -1;
  private thisMinute = 0;

  constructor(
    readonly maxConcurrent: number,
    readonly maxPerMinute: number,
  ) {}

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Counts one invocation in, or throws 429. Every successful call must be paired with `release()`. */
  admit(now: number = Date.now()): void {
    const minute = Math.floor(now / 60000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.thisMinute = 0;
    }
    if (this.thisMinute >= this.maxPerMinute) {
      throw new HttpError(429, tooManyRequests(this.thisMinute, this.maxPerMinute));
    }
    if (this.inFlightCount >= this.maxConcurrent) {
      throw new HttpError(429, tooManyConcurrentRequests(this.inFlightCount, this.maxConcurrent));
    }
    this.thisMinute++;
    this.inFlightCount++;
  }

  release(): void {
    if (this.inFlightCount > 0) this.inFlightCount--;
  }
}
