import { retryWhile } from './backoff.js';
import { isThrottled, toInvocationError } from './classify.js';
import { systemClock, type Clock } from './clock.js';
import { describeConfig, processEnvironment, resolveConfig, type FoundSource } from './config.js';
import {
  AbortedError,
  CapacityError,
  ConfigError,
  ExecutorClosedError,
  ExecutorError,
  ExecutorTimeoutError,
  InvocationError,
} from './errors.js';
import { controlOf, ResponseFuture, type FutureHost, type FutureWaitOptions } from './future.js';
import { loadStartLocalWhisk, type LocalWhiskHandle } from './local.js';
import {
  resolveSettings,
  timeoutOption,
  type ExecutorSettings,
  type FunctionExecutorOptions,
} from './options.js';
import { ActivationPoller } from './poller.js';
import { countProgress, report, type ProgressListener } from './progress.js';
import { createSdkTransport } from './sdk-transport.js';
import { Secret } from './secret.js';
import type { WhiskTransport } from './transport.js';
import type { WhiskClient } from '../deploy/whisk-client.js';

/** When {@link FunctionExecutor.wait} returns. */
export type ReturnWhen =
  /** Every future has finished. */
  | 'ALL_COMPLETED'
  /** At least one future has finished. */
  | 'ANY_COMPLETED'
  /** At once, after one round of polling the futures that are due. */
  | 'ALWAYS';

/** Options of {@link FunctionExecutor.wait}. */
export interface WaitOptions {
  /** Default `'ALL_COMPLETED'`. */
  readonly returnWhen?: ReturnWhen;
  /** Deadline; default the executor's `waitTimeoutMs` (330 s). Reaching it throws `ExecutorTimeoutError`. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called with counts over these futures whenever one of them changes state. */
  readonly onProgress?: ProgressListener;
}

/** Futures split by whether they have finished (`success` or `error`). Both keep the input order. */
export interface WaitResult<T extends object> {
  readonly done: ResponseFuture<T>[];
  readonly notDone: ResponseFuture<T>[];
}

/** Options of {@link FunctionExecutor.getResult}. */
export interface GetResultOptions extends Omit<WaitOptions, 'returnWhen'> {
  /**
   * Default `true`: throw the error of the first failed future (in input order). With `false`, a failed
   * future's slot holds `undefined` and its `error` says why.
   */
  readonly throwExcept?: boolean;
}

/** Options of {@link FunctionExecutor.callAsync}. */
export interface CallOptions {
  /**
   * Deadline for getting the invocation accepted, 429 retries included; no retry starts after it.
   * Default the executor's `invokeTimeoutMs` (60 s).
   */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link FunctionExecutor.map}. */
export interface MapOptions extends CallOptions {
  /** Parameters added to every item's; an item's own parameter of the same name wins. Default `{}`. */
  readonly extraParams?: Readonly<Record<string, unknown>>;
}

/** Which OpenWhisk the executor talks to; for printing and for deploying through the same client. */
export interface ExecutorTarget {
  /** Where the API host came from, `'local'` for the embedded controller, `'transport'` for a custom one. */
  readonly source: FoundSource | 'local' | 'transport';
  /** One line, without the key, e.g. `https://host namespace _ (from __OW_API_HOST)`. */
  readonly description: string;
  readonly apihost: string | undefined;
  readonly namespace: string | undefined;
  /** Concurrent activations allowed, when known. */
  readonly concurrencyLimit: number | undefined;
  /**
   * The SDK client the executor uses (undefined with a custom transport), e.g. to deploy actions. Not
   * enumerable, because it holds the API key: `JSON.stringify`, `console.log` and `{...target}` leave it out.
   */
  readonly client: WhiskClient | undefined;
  /** The embedded controller in use, if any. Not enumerable, like `client`. */
  readonly localWhisk: LocalWhiskHandle | undefined;
}

/** Counters for measurement. */
export interface ExecutorStats {
  /** Invocations the platform accepted. */
  readonly invocations: number;
  /** 429 answers that were retried. */
  readonly throttled: number;
  /** Activation GETs sent. */
  readonly polls: number;
  /** Most activation GETs in flight at once. */
  readonly maxPollsInFlight: number;
}

interface Connection {
  readonly target: ExecutorTarget;
  readonly transport: WhiskTransport;
  readonly poller: ActivationPoller;
  /** Drops the transport's open connections. */
  readonly closeTransport: () => void;
  readonly ownedLocal: LocalWhiskHandle | undefined;
}

type Future = ResponseFuture<object>;

/**
 * PyWren-style client of OpenWhisk: invoke actions asynchronously, get futures, wait for them.
 *
 * ```ts
 * const fexec = new FunctionExecutor();
 * const futures = await fexec.map('whisk-sync/slave', [{ id: 0 }, { id: 1 }], { extraParams: { n: 2 } });
 * const results = await fexec.getResult(futures, { timeoutMs: 60_000 });
 * await fexec.close();
 * ```
 *
 * The connection is resolved on first use (see {@link FunctionExecutor.ready}); with nothing configured
 * the executor starts the embedded controller and `close()` stops it.
 */
export class FunctionExecutor {
  readonly #options: FunctionExecutorOptions;
  readonly #settings: ExecutorSettings;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #futures: Future[] = [];
  /** The checks of the waits on each future: run when that future's state changes. */
  readonly #listeners = new Map<Future, Set<() => void>>();
  readonly #waiters = new Set<(error: Error) => void>();
  readonly #closing = new AbortController();
  readonly #counters = { invocations: 0, throttled: 0 };
  #connection: Promise<Connection> | undefined;
  #poller: ActivationPoller | undefined;
  readonly #host: FutureHost = {
    awaitFuture: (future, options) => this.#awaitFuture(future, options),
    reinvoke: (future) => this.#call(future.action, future.params, future.index, {}),
  };

  /** @throws TypeError naming the first invalid option. Connection problems surface on first use. */
  constructor(options: FunctionExecutorOptions = {}) {
    this.#options = { ...options };
    this.#settings = resolveSettings(this.#options);
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Resolves the connection (once): explicit options, then `__OW_*` environment, then the wsk CLI's
   * properties file, else the embedded controller. Later calls return the same answer.
   * @throws ConfigError when the configuration is incomplete or malformed.
   */
  async ready(): Promise<ExecutorTarget> {
    return (await this.#connect()).target;
  }

  /** Every future this executor created, in creation order. */
  get futures(): readonly ResponseFuture[] {
    return [...this.#futures] as ResponseFuture[];
  }

  /**
   * Invokes `action` once, non-blocking. Resolves when the platform has accepted the invocation; 429
   * answers are retried with exponential backoff and jitter until the deadline.
   * @param action `package/action`, `action` or `/namespace/package/action`
   * @param params a JSON-serializable dictionary, copied
   * @throws InvocationError when the platform refuses (unknown action, bad key, unreachable, still 429).
   */
  async callAsync<T extends object = Record<string, unknown>>(
    action: string,
    params: Readonly<Record<string, unknown>> = {},
    options: CallOptions = {},
  ): Promise<ResponseFuture<T>> {
    return this.#call<T>(action, params, undefined, options);
  }

  async #call<T extends object>(
    action: string,
    params: Readonly<Record<string, unknown>>,
    index: number | undefined,
    options: CallOptions,
  ): Promise<ResponseFuture<T>> {
    checkAction(action);
    const future = new ResponseFuture<T>(this.#host, action, copyParams(params, 'params'), index);
    const deadline =
      this.#clock.now() + timeoutOption('timeoutMs', options.timeoutMs, this.#settings.invokeTimeoutMs);
    this.#assertOpen();
    this.#futures.push(future);
    await this.#invoke(future, deadline, options.signal);
    return future;
  }

  /**
   * Invokes `action` once per item of `iterdata`, each item being that call's parameters (merged over
   * `extraParams`), with at most `invokeConcurrency` invocation requests in flight. The futures keep the
   * input order (`future.index`). On the first refused invocation no further item is invoked, the
   * remaining futures fail with the same error, and it is thrown; futures already accepted keep running
   * and stay listed in {@link FunctionExecutor.futures}.
   * @throws InvocationError, AbortedError, TypeError for an item that is not a plain object.
   */
  async map<T extends object = Record<string, unknown>>(
    action: string,
    iterdata: readonly Readonly<Record<string, unknown>>[],
    options: MapOptions = {},
  ): Promise<ResponseFuture<T>[]> {
    checkAction(action);
    if (!Array.isArray(iterdata)) throw new TypeError(`iterdata must be an array, got ${typeof iterdata}`);
    const extra = copyParams(options.extraParams ?? {}, 'extraParams');
    const futures = iterdata.map((item, i) => {
      const own = copyParams(item, `iterdata[${i}]`);
      return new ResponseFuture<T>(this.#host, action, { ...extra, ...own }, i);
    });
    const deadline =
      this.#clock.now() + timeoutOption('timeoutMs', options.timeoutMs, this.#settings.invokeTimeoutMs);
    this.#assertOpen();
    this.#futures.push(...futures);

    const queue = [...futures];
    let firstError: unknown;
    const worker = async (): Promise<void> => {
      for (let f = queue.shift(); f !== undefined && firstError === undefined; f = queue.shift()) {
        try {
          await this.#invoke(f, deadline, options.signal);
        } catch (err) {
          firstError ??= err;
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#settings.invokeConcurrency, futures.length) }, worker),
    );
    if (firstError !== undefined) {
      const error =
        firstError instanceof ExecutorError ? firstError : toInvocationError(firstError, action, 'map');
      const failed = futures.filter((f) => f.status === 'new');
      for (const f of failed) controlOf(f).failed(error);
      this.#changed(...failed);
      throw error;
    }
    return futures;
  }

  /**
   * Waits until `returnWhen` holds for `futures`. Failed activations count as done; this never throws
   * for them (see `future.error`).
   * @throws ExecutorTimeoutError naming the unfinished activations when the deadline passes first.
   */
  async wait<T extends object>(
    futures: readonly ResponseFuture<T>[],
    options: WaitOptions = {},
  ): Promise<WaitResult<T>> {
    const returnWhen = options.returnWhen ?? 'ALL_COMPLETED';
    if (!['ALL_COMPLETED', 'ANY_COMPLETED', 'ALWAYS'].includes(returnWhen)) {
      throw new TypeError(
        `returnWhen must be ALL_COMPLETED, ANY_COMPLETED or ALWAYS, got ${JSON.stringify(returnWhen)}`,
      );
    }
    const timeoutMs = timeoutOption('timeoutMs', options.timeoutMs, this.#settings.waitTimeoutMs);
    this.#checkOwned(futures);
    this.#assertOpen();
    const list = [...futures];
    if (list.length > 0) {
      const poller = this.#requirePoller();
      if (returnWhen === 'ALWAYS') {
        await poller.pollDue(list.filter((f) => !f.done));
        report(options.onProgress, () => countProgress(list));
      } else {
        const enough = returnWhen === 'ALL_COMPLETED' ? list.length : 1;
        await this.#until(list, () => list.filter((f) => f.done).length >= enough, timeoutMs, options);
      }
    }
    return { done: list.filter((f) => f.done), notDone: list.filter((f) => !f.done) };
  }

  /**
   * Waits for all `futures` (default: every future of this executor) and returns their results in input
   * order.
   * @throws the first failed future's error (unless `throwExcept: false`), ExecutorTimeoutError.
   */
  async getResult<T extends object>(
    futures: readonly ResponseFuture<T>[],
    options: GetResultOptions & { readonly throwExcept: false },
  ): Promise<(T | undefined)[]>;
  async getResult<T extends object = Record<string, unknown>>(
    futures?: readonly ResponseFuture<T>[],
    options?: GetResultOptions,
  ): Promise<T[]>;
  async getResult<T extends object>(
    futures?: readonly ResponseFuture<T>[],
    options: GetResultOptions = {},
  ): Promise<(T | undefined)[]> {
    const list = futures ?? (this.#futures as ResponseFuture<T>[]);
    const { done } = await this.wait(list, { ...options, returnWhen: 'ALL_COMPLETED' });
    const throwExcept = options.throwExcept ?? true;
    const results: (T | undefined)[] = [];
    for (const f of done) {
      if (f.error !== undefined) {
        if (throwExcept) throw f.error;
        results.push(undefined);
      } else {
        results.push(await f.result());
      }
    }
    return results;
  }

  /** Concurrent activations the target allows: the `concurrencyLimit` option, else the embedded controller's. */
  async capacity(): Promise<number | undefined> {
    return (await this.ready()).concurrencyLimit;
  }

  /**
   * Refuses work that needs `required` activations running at the same time when the target cannot run
   * that many at once, which would otherwise deadlock. Passes when the limit is unknown.
   * @param what how to name the work in the message, default `"<required> activations"`
   * @returns the limit, or undefined when unknown
   * @throws CapacityError
   */
  async checkCapacity(required: number, what = `${required} activations`): Promise<number | undefined> {
    if (!Number.isSafeInteger(required) || required < 1) {
      throw new TypeError(`required must be a positive integer, got ${String(required)}`);
    }
    const target = await this.ready();
    const limit = target.concurrencyLimit;
    if (limit !== undefined && required > limit) {
      throw new CapacityError(
        `${what} must run at the same time, but ${target.description} allows at most ${limit} concurrent ` +
          `activations; run fewer, or raise the limit (concurrencyLimit, or maxConcurrent of the embedded controller)`,
        required,
        limit,
      );
    }
    return limit;
  }

  /** Counters of requests made so far. */
  stats(): ExecutorStats {
    const counters = this.#poller?.counters ?? { requests: 0, maxInFlight: 0 };
    return { ...this.#counters, polls: counters.requests, maxPollsInFlight: counters.maxInFlight };
  }

  /**
   * Stops polling, fails pending waits and invocations with `ExecutorClosedError`, and stops the embedded
   * controller if this executor started it. Activations already running on the platform are not
   * cancelled (OpenWhisk cannot). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    for (const fail of [...this.#waiters]) fail(new ExecutorClosedError('the executor was closed'));
    this.#poller?.close();
    const connection = await this.#connection?.catch(() => undefined);
    connection?.closeTransport();
    await connection?.ownedLocal?.close();
  }

  #connect(): Promise<Connection> {
    this.#connection ??= this.#openConnection();
    return this.#connection;
  }

  async #openConnection(): Promise<Connection> {
    const options = this.#options;
    let target: Omit<ExecutorTarget, 'client' | 'localWhisk'>;
    let transport: WhiskTransport;
    let client: WhiskClient | undefined;
    let local: LocalWhiskHandle | undefined;
    let ownedLocal: LocalWhiskHandle | undefined;
    let closeTransport = (): void => undefined;

    if (options.transport !== undefined) {
      transport = options.transport;
      target = {
        source: 'transport',
        description: 'custom transport',
        apihost: undefined,
        namespace: undefined,
        concurrencyLimit: this.#settings.concurrencyLimit,
      };
    } else {
      const config = resolveConfig(options, options.environment ?? processEnvironment());
      let apihost: string;
      let auth: Secret;
      let namespace: string;
      if (config.kind === 'local') {
        local = options.localWhisk;
        if (local === undefined) {
          const start = options.startLocalWhisk ?? (await loadEmbedded());
          local = await start(options.local);
          ownedLocal = local;
          if (this.#closing.signal.aborted) {
            await local.close();
            throw new ExecutorClosedError('the executor was closed');
          }
        }
        ({ apihost, namespace } = local);
        auth = new Secret(local.auth);
        target = {
          source: 'local',
          description: `embedded controller at ${apihost}`,
          apihost,
          namespace,
          concurrencyLimit: this.#settings.concurrencyLimit ?? local.limits.concurrent,
        };
      } else {
        ({ apihost, auth, namespace } = config);
        target = {
          source: config.sources.apihost,
          description: describeConfig(config, options.optionNames),
          apihost,
          namespace,
          concurrencyLimit: this.#settings.concurrencyLimit,
        };
      }
      ({
        transport,
        client,
        close: closeTransport,
      } = createSdkTransport({
        apihost,
        auth,
        namespace,
        requestTimeoutMs: this.#settings.requestTimeoutMs,
        clock: this.#clock,
      }));
    }
    const poller = new ActivationPoller(transport, this.#clock, this.#settings.poll, (future) => {
      this.#changed(future);
    });
    if (this.#closing.signal.aborted) poller.close();
    this.#poller = poller;
    // The SDK client holds the API key in its options, the controller handle its key: both stay out of
    // JSON.stringify, console.log and spreads of the target, so printing a target shows no secret.
    const full = Object.defineProperties(
      { ...target },
      { client: { value: client, enumerable: false }, localWhisk: { value: local, enumerable: false } },
    ) as ExecutorTarget;
    return { target: full, transport, poller, closeTransport, ownedLocal };
  }

  async #invoke(future: Future, deadline: number, signal: AbortSignal | undefined): Promise<void> {
    const control = controlOf(future);
    // Most calls pass no signal of their own: no combined signal to build per invocation then.
    const combined =
      signal === undefined ? this.#closing.signal : AbortSignal.any([this.#closing.signal, signal]);
    const aborted = (): ExecutorError =>
      this.#closing.signal.aborted
        ? new ExecutorClosedError(`invoking ${future.action}: the executor was closed`)
        : new AbortedError(`invoking ${future.action} was aborted`);
    try {
      const { transport, poller } = await this.#connect();
      const activationId = await retryWhile(
        async () => {
          try {
            return await transport.invoke(future.action, future.params);
          } catch (err) {
            if (isThrottled(err)) this.#counters.throttled++;
            throw err;
          }
        },
        isThrottled,
        {
          clock: this.#clock,
          random: this.#random,
          policy: this.#settings.throttleBackoff,
          deadline,
          signal: combined,
        },
        (last, attempts) =>
          new InvocationError(
            `invoking ${future.action}: still throttled (429) after ${attempts} attempts, and the next retry ` +
              `would pass the deadline: ${last instanceof Error ? last.message : String(last)}`,
            'THROTTLED',
            future.action,
            429,
          ),
        aborted,
      );
      if (combined.aborted) throw aborted();
      this.#counters.invocations++;
      control.invoked(activationId, this.#clock.now());
      poller.track(future);
    } catch (err) {
      const error =
        err instanceof ExecutorError
          ? err
          : toInvocationError(err, future.action, `invoking ${future.action}`);
      control.failed(error);
      throw error;
    } finally {
      this.#changed(future);
    }
  }

  async #awaitFuture(future: Future, options: FutureWaitOptions): Promise<void> {
    await this.wait([future], { ...options, returnWhen: 'ALL_COMPLETED' });
  }

  #until(
    futures: Future[],
    condition: () => boolean,
    timeoutMs: number,
    options: Pick<WaitOptions, 'signal' | 'onProgress'>,
  ): Promise<void> {
    const poller = this.#requirePoller();
    return new Promise<void>((resolve, reject) => {
      const stop = new AbortController();
      const signal = options.signal;
      const finish = (error?: Error): void => {
        if (stop.signal.aborted) return;
        stop.abort();
        for (const future of futures) {
          const checks = this.#listeners.get(future);
          checks?.delete(check);
          if (checks?.size === 0) this.#listeners.delete(future);
        }
        this.#waiters.delete(finish);
        signal?.removeEventListener('abort', onAbort);
        unwatch();
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = (): void => {
        report(options.onProgress, () => countProgress(futures));
        if (condition()) finish();
      };
      const onAbort = (): void => {
        finish(new AbortedError('the wait was aborted'));
      };
      if (signal?.aborted === true) {
        reject(new AbortedError('the wait was aborted'));
        return;
      }
      const unwatch = poller.watch(futures);
      for (const future of futures) {
        const checks = this.#listeners.get(future) ?? new Set<() => void>();
        checks.add(check);
        this.#listeners.set(future, checks);
      }
      this.#waiters.add(finish);
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.#clock.sleep(timeoutMs, stop.signal).then(() => {
        finish(timeoutError(futures, timeoutMs));
      });
      check();
    });
  }

  /** The state of `futures` changed: re-check the waits on them (each once), report progress. */
  #changed(...futures: Future[]): void {
    const checks = new Set<() => void>();
    for (const future of futures) for (const check of this.#listeners.get(future) ?? []) checks.add(check);
    for (const check of checks) check();
    report(this.#options.onProgress, () => countProgress(this.#futures));
  }

  #requirePoller(): ActivationPoller {
    // Futures exist only after an invocation, which opened the connection and created the poller.
    if (this.#poller === undefined) throw new ExecutorClosedError('the executor has no connection');
    return this.#poller;
  }

  #checkOwned(futures: readonly Future[]): void {
    const given: unknown = futures;
    if (!Array.isArray(given)) throw new TypeError('futures must be an array of ResponseFuture');
    for (const [i, f] of given.entries()) {
      if (!(f instanceof ResponseFuture) || controlOf(f as Future).host !== this.#host) {
        throw new TypeError(`futures[${i}] is not a ResponseFuture of this executor`);
      }
    }
  }

  #assertOpen(): void {
    if (this.#closing.signal.aborted) throw new ExecutorClosedError('the executor is closed');
  }
}

async function loadEmbedded(): Promise<
  (options?: FunctionExecutorOptions['local']) => Promise<LocalWhiskHandle>
> {
  try {
    return await loadStartLocalWhisk();
  } catch (err) {
    throw new ConfigError(
      `no OpenWhisk configured and the embedded controller could not be loaded: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

const MAX_NAMED = 10;

function timeoutError(futures: readonly Future[], timeoutMs: number): ExecutorTimeoutError {
  const unfinished = futures.filter((f) => !f.done);
  const ids = unfinished.flatMap((f) => (f.activationId === undefined ? [] : [f.activationId]));
  const named = ids.slice(0, MAX_NAMED).join(', ');
  const more = ids.length > MAX_NAMED ? ` and ${ids.length - MAX_NAMED} more` : '';
  const notInvoked = unfinished.length - ids.length;
  const pending = notInvoked > 0 ? `; ${notInvoked} not yet accepted` : '';
  return new ExecutorTimeoutError(
    `timed out after ${timeoutMs} ms with ${unfinished.length} of ${futures.length} activations unfinished: ` +
      `${named}${more}${pending}`,
    timeoutMs,
    ids,
  );
}

function checkAction(action: unknown): asserts action is string {
  if (typeof action !== 'string' || action.trim() === '') {
    throw new TypeError(`action must be a non-empty action name, got ${JSON.stringify(action)}`);
  }
}

function copyParams(params: unknown, name: string): Record<string, unknown> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new TypeError(
      `${name} must be a plain object of parameters, got ${Array.isArray(params) ? 'array' : typeof params}`,
    );
  }
  try {
    return structuredClone(params) as Record<string, unknown>;
  } catch {
    throw new TypeError(`${name} must be JSON-serializable`);
  }
}
