import type { ExecutorError } from './errors.js';
import type { ActivationStats } from './outcome.js';
import type { ActivationRecord } from './transport.js';

/**
 * Life of one invocation:
 * `new` → `invoked` (the platform accepted it and gave an activation id) → `running` (a poll found it
 * unfinished; OpenWhisk does not tell queued from running, so this covers both) → `success` | `error`.
 * An invocation the platform refused goes from `new` straight to `error`.
 */
export type FutureStatus = 'new' | 'invoked' | 'running' | 'success' | 'error';

/** Options of a single future's wait. */
export interface FutureWaitOptions {
  /** Give up after this many milliseconds; default the executor's `waitTimeoutMs`. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** What a future needs from the executor that created it. */
export interface FutureHost {
  awaitFuture(future: ResponseFuture<object>, options: FutureWaitOptions): Promise<void>;
  reinvoke(future: ResponseFuture<object>): Promise<ResponseFuture<object>>;
}

/** State changes, applied only by the executor that owns the future. */
export interface FutureControl {
  readonly host: FutureHost;
  invoked(activationId: string, at: number): void;
  running(): void;
  succeeded(
    record: ActivationRecord,
    result: Readonly<Record<string, unknown>>,
    stats: ActivationStats,
  ): void;
  failed(error: ExecutorError, record?: ActivationRecord, stats?: ActivationStats): void;
}

let controlFor: (future: ResponseFuture<object>) => FutureControl;

/**
 * The handle of one asynchronous invocation, as returned by `callAsync` and `map`. Its fields change as
 * the executor learns more; `result()` waits for the end.
 *
 * @typeParam T - the action's result dictionary
 */
export class ResponseFuture<T extends object = Record<string, unknown>> {
  /** The action invoked, as passed to `callAsync`/`map`. */
  readonly action: string;
  /** The parameters sent (a copy); `retry()` sends them again. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Position of this call in the `map` input, or undefined for `callAsync`. */
  readonly index: number | undefined;

  readonly #host: FutureHost;
  #status: FutureStatus = 'new';
  #activationId: string | undefined;
  #invokedAt: number | undefined;
  #result: object | undefined;
  #error: ExecutorError | undefined;
  #stats: ActivationStats | undefined;
  #record: ActivationRecord | undefined;

  static {
    controlFor = (future) => ({
      host: future.#host,
      invoked(activationId, at) {
        future.#activationId = activationId;
        future.#invokedAt = at;
        future.#status = 'invoked';
      },
      running() {
        if (future.#status === 'invoked') future.#status = 'running';
      },
      succeeded(record, result, stats) {
        future.#record = record;
        future.#result = result;
        future.#stats = stats;
        future.#status = 'success';
      },
      failed(error, record, stats) {
        future.#error = error;
        future.#record = record;
        future.#stats = stats;
        future.#status = 'error';
      },
    });
  }

  /** Created by the executor; not meant to be constructed directly. */
  constructor(host: FutureHost, action: string, params: Readonly<Record<string, unknown>>, index?: number) {
    this.#host = host;
    this.action = action;
    this.params = params;
    this.index = index;
  }

  /** Activation id, once the platform accepted the invocation. */
  get activationId(): string | undefined {
    return this.#activationId;
  }

  get status(): FutureStatus {
    return this.#status;
  }

  /** True once the status is `success` or `error`. */
  get done(): boolean {
    return this.#status === 'success' || this.#status === 'error';
  }

  /** Why the call failed (an `ActivationError`, `InvocationError`, ...), or undefined. */
  get error(): ExecutorError | undefined {
    return this.#error;
  }

  /** Timing from the activation record, once finished; undefined before, or if the invocation was refused. */
  get stats(): ActivationStats | undefined {
    return this.#stats;
  }

  /** Executor clock time (ms) at which the invocation was accepted. */
  get invokedAt(): number | undefined {
    return this.#invokedAt;
  }

  /**
   * The action's result. Waits for the activation to finish (default deadline: the executor's
   * `waitTimeoutMs`) and throws its error if it failed.
   */
  async result(options: FutureWaitOptions = {}): Promise<T> {
    await this.#host.awaitFuture(this, options);
    if (this.#error !== undefined) throw this.#error;
    return this.#result as T;
  }

  /** The activation's log lines; waits like {@link result} but does not throw when the action failed. */
  async logs(options: FutureWaitOptions = {}): Promise<readonly string[]> {
    await this.#host.awaitFuture(this, options);
    return this.#record?.logs ?? [];
  }

  /**
   * Invokes the same action with the same parameters again and returns the new future (same `index`);
   * this future stays as it is.
   */
  retry(): Promise<ResponseFuture<T>> {
    return this.#host.reinvoke(this) as Promise<ResponseFuture<T>>;
  }
}

/** The state controls of a future, for its executor. */
export function controlOf(future: ResponseFuture<object>): FutureControl {
  return controlFor(future);
}
