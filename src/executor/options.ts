import type { LocalWhiskOptions } from '../localwhisk/options.js';
import type { BackoffPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import type { ConfigEnvironment, ConnectionOptions } from './config.js';
import type { LocalWhiskHandle, StartLocalWhisk } from './local.js';
import type { PollPolicy } from './poller.js';
import type { ProgressListener } from './progress.js';
import type { WhiskTransport } from './transport.js';

/**
 * Options of {@link FunctionExecutor}; all optional, copied, never mutated.
 * Connection settings (`apihost`, `apiKey`, `namespace`, `target`) are resolved as described in
 * {@link resolveConfig}.
 */
export interface FunctionExecutorOptions extends ConnectionOptions {
  /** Options for the embedded controller, when the executor starts one. Default: its own defaults. */
  readonly local?: LocalWhiskOptions;
  /**
   * An embedded controller that is already running, used instead of starting one (when the target
   * resolves to `local`); `close()` leaves it running. Default: none.
   */
  readonly localWhisk?: LocalWhiskHandle;
  /**
   * Concurrent activations the target allows, for {@link FunctionExecutor.checkCapacity}. Default: the
   * embedded controller's `limits.concurrent`; unknown for a remote OpenWhisk.
   */
  readonly concurrencyLimit?: number;
  /** Invocation requests in flight at once during `map`. Default `16`. */
  readonly invokeConcurrency?: number;
  /**
   * Deadline for getting one invocation accepted, 429 retries included, when the call passes none.
   * Default `60000` ms.
   */
  readonly invokeTimeoutMs?: number;
  /** Backoff between 429 retries. Default `{ initialMs: 100, factor: 2, maxMs: 5000 }`, equal jitter. */
  readonly throttleBackoff?: Partial<BackoffPolicy>;
  /**
   * Polling of unfinished activations. Default `{ initialMs: 100, factor: 1.5, maxMs: 1000,
   * concurrency: 16, maxConsecutiveErrors: 5 }`.
   */
  readonly poll?: Partial<PollPolicy>;
  /**
   * Deadline of `wait`, `getResult` and `future.result()` when the call passes none. Default `330000`
   * ms: OpenWhisk's longest action time limit (300 s) plus scheduling slack.
   */
  readonly waitTimeoutMs?: number;
  /** Deadline of one HTTP request to OpenWhisk. Default `30000` ms. */
  readonly requestTimeoutMs?: number;
  /** Called with counts over all of this executor's futures whenever one changes state. Default: none. */
  readonly onProgress?: ProgressListener;
  /** Replaces the openwhisk SDK (tests, other clients); connection settings are then ignored. */
  readonly transport?: WhiskTransport;
  /** Time source for backoff, polling and deadlines. Default: the system clock. */
  readonly clock?: Clock;
  /** Random source in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Environment, home directory and file reader for configuration. Default: the process's. */
  readonly environment?: ConfigEnvironment;
  /** Starts the embedded controller. Default: `startLocalWhisk` of this package. */
  readonly startLocalWhisk?: StartLocalWhisk;
}

/** Numeric settings with defaults applied. */
export interface ExecutorSettings {
  readonly invokeConcurrency: number;
  readonly invokeTimeoutMs: number;
  readonly throttleBackoff: BackoffPolicy;
  readonly poll: PollPolicy;
  readonly waitTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly concurrencyLimit: number | undefined;
}

/** Applies defaults; throws a `TypeError` naming the first bad value. */
export function resolveSettings(options: FunctionExecutorOptions): ExecutorSettings {
  const backoff = options.throttleBackoff ?? {};
  const poll = options.poll ?? {};
  return {
    invokeConcurrency: positiveInteger('invokeConcurrency', options.invokeConcurrency, 16),
    invokeTimeoutMs: positive('invokeTimeoutMs', options.invokeTimeoutMs, 60_000),
    throttleBackoff: {
      initialMs: positive('throttleBackoff.initialMs', backoff.initialMs, 100),
      factor: atLeastOne('throttleBackoff.factor', backoff.factor, 2),
      maxMs: positive('throttleBackoff.maxMs', backoff.maxMs, 5_000),
    },
    poll: {
      initialMs: positive('poll.initialMs', poll.initialMs, 100),
      factor: atLeastOne('poll.factor', poll.factor, 1.5),
      maxMs: positive('poll.maxMs', poll.maxMs, 1_000),
      concurrency: positiveInteger('poll.concurrency', poll.concurrency, 16),
      maxConsecutiveErrors: positiveInteger('poll.maxConsecutiveErrors', poll.maxConsecutiveErrors, 5),
    },
    waitTimeoutMs: positive('waitTimeoutMs', options.waitTimeoutMs, 330_000),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 30_000),
    concurrencyLimit:
      options.concurrencyLimit === undefined
        ? undefined
        : positiveInteger('concurrencyLimit', options.concurrencyLimit, 1),
  };
}

/** Validates a per-call deadline. */
export function timeoutOption(name: string, value: number | undefined, fallback: number): number {
  return positive(name, value, fallback);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive finite number of milliseconds, got ${String(value)}`);
  }
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function atLeastOne(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    throw new TypeError(`${name} must be a number >= 1, got ${String(value)}`);
  }
  return value;
}
