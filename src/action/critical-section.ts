import { encodedBytes, isJsonValue, type JsonValue } from '../protocol/json-value.js';
import type { FailureCode } from '../protocol/failure.js';
import { MAX_VALUE_BYTES } from '../protocol/limits.js';
import type { Message, Send } from '../protocol/messages.js';
import type { HeldGrant, SlaveMachine } from '../protocol/slave-machine.js';
import type { DrivenMachine } from '../broker/driver.js';

/** What a slave's callback is told while it holds the write permission. */
export interface SlaveContext {
  /** This slave's id, 0..n-1. */
  readonly id: number;
  /** Number of slaves in the run. */
  readonly n: number;
  readonly runId: string;
  /** The grant's sequence number (counts grants of the run from 0, revoked ones included). */
  readonly seq: number;
  /** Where the returned value will go in the list: the number of values committed before it. */
  readonly position: number;
  /** The agreed list committed before this grant, in order. */
  readonly list: readonly JsonValue[];
  /**
   * Aborts when this activation loses the permission: its lease was revoked (it stopped renewing, or
   * held the grant for the maximum hold time), the leader went silent, the run ended or the
   * activation's deadline came. After that the returned value is fenced (never appended), so work
   * with outside effects should check it (`signal.throwIfAborted()`) before each effect.
   * Its `reason` is a {@link GrantLostError}.
   */
  readonly signal: AbortSignal;
}

/**
 * The user's code in the critical section: runs only while the activation holds the write permission,
 * and returns (or resolves to) the JSON value to append — at most {@link MAX_VALUE_BYTES} bytes of
 * UTF-8 JSON. A throw or rejection releases the permission at once and the slave fails with
 * `CALLBACK_FAILED`; a value that is not JSON or too large does the same with `BAD_VALUE`.
 */
export type SlaveCallback = (context: SlaveContext) => unknown;

/** The reason of a {@link SlaveContext.signal} abort: the permission was lost, and why. */
export class GrantLostError extends Error {
  override readonly name = 'GrantLostError';
  readonly code = 'GRANT_LOST';
}

/** Runs `input` through the shell's step (publish, re-arm the timer, finish when done). */
type Feed = (input: () => readonly Send[] | undefined) => void;

/**
 * Runs the user's callback for each grant the slave machine holds and hands its result back to the
 * machine through the shell: the value (`answer`), or a release when it failed. Aborts the callback's
 * signal as soon as the machine no longer holds that grant.
 */
export class CriticalSection {
  private feed: Feed | undefined;
  private running: { readonly seq: number; readonly loss: GrantLoss } | undefined;
  private lastStarted: number | undefined;

  constructor(
    private readonly machine: SlaveMachine,
    private readonly callback: SlaveCallback,
    private readonly run: { readonly id: number; readonly n: number; readonly runId: string },
    private readonly now: () => number,
  ) {}

  /** The machine as the shell drives it: every step is followed by a look at the grant. */
  get driven(): DrivenMachine {
    const { machine } = this;
    return {
      receive: (message: Message, now: number) => this.observed(machine.receive(message, now)),
      drop: (reason: string, now: number) => {
        machine.drop(reason, now);
      },
      tick: (now: number) => this.observed(machine.tick(now)),
      leaderAlive: (now: number) => {
        machine.leaderAlive(now);
      },
      get wakeAt() {
        return machine.wakeAt;
      },
    };
  }

  /** The shell's `attach` hook. */
  readonly attach = (feed: Feed): void => {
    this.feed = feed;
    this.observe();
  };

  /** Aborts a callback still running (the shell has ended). */
  stop(reason: string): void {
    this.abortRunning(reason);
  }

  private observed(sends: Send[]): Send[] {
    // After the shell has published this step's messages: the callback never runs inside a step.
    queueMicrotask(() => {
      this.observe();
    });
    return sends;
  }

  private observe(): void {
    const grant = this.machine.grant;
    if (this.running !== undefined && grant?.seq !== this.running.seq) {
      const outcome = this.machine.outcome;
      this.abortRunning(outcome?.ok === false ? outcome.error : `slave ${this.run.id}: the grant was lost`);
    }
    if (grant !== undefined && this.feed !== undefined && this.lastStarted !== grant.seq) {
      this.lastStarted = grant.seq;
      this.call(grant, this.feed);
    }
  }

  private abortRunning(reason: string): void {
    const running = this.running;
    if (running === undefined) return;
    this.running = undefined;
    running.loss.abort(new GrantLostError(reason));
  }

  /**
   * Runs the callback for `grant`. A callback that returns a plain value is answered in the same
   * turn: its append goes out without waiting for promise jobs, the shortest path from grant to
   * append. A promise (or any thenable) is awaited.
   */
  private call(grant: HeldGrant, feed: Feed): void {
    const loss = new GrantLoss();
    const { seq } = grant;
    this.running = { seq, loss };
    const context: SlaveContext = {
      ...this.run,
      seq,
      position: grant.position,
      list: grant.list,
      get signal() {
        return loss.signal;
      },
    };
    let value: unknown;
    let pending: boolean;
    try {
      value = this.callback(context);
      // Inside the try: a `then` getter may throw too.
      pending = isThenable(value);
    } catch (error) {
      this.failed(seq, feed, error);
      return;
    }
    if (pending) {
      Promise.resolve(value).then(
        (settled: unknown) => {
          this.answered(seq, feed, settled);
        },
        (error: unknown) => {
          this.failed(seq, feed, error);
        },
      );
    } else {
      this.answered(seq, feed, value);
    }
  }

  private answered(seq: number, feed: Feed, value: unknown): void {
    const problem = valueProblem(value);
    if (problem !== undefined) {
      this.finish(seq, feed, () => this.fail(seq, 'BAD_VALUE', `its callback returned ${problem}`));
      return;
    }
    this.finish(seq, feed, () => this.machine.answer(seq, value as JsonValue, this.now()));
  }

  private failed(seq: number, feed: Feed, error: unknown): void {
    this.finish(seq, feed, () => this.fail(seq, 'CALLBACK_FAILED', `its callback failed: ${oneLine(error)}`));
  }

  private fail(seq: number, code: FailureCode, reason: string): Send[] {
    return this.machine.release(seq, code, reason);
  }

  private finish(seq: number, feed: Feed, input: () => Send[]): void {
    if (this.running?.seq === seq) this.running = undefined;
    feed(input);
  }
}

/**
 * The abort signal of one grant, made when the callback first asks for it: most callbacks never do,
 * and an AbortController per grant is a cost on the path from grant to append.
 */
class GrantLoss {
  #controller: AbortController | undefined;
  #reason: GrantLostError | undefined;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: GrantLostError): void {
    this.#reason ??= reason;
    this.#controller?.abort(reason);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Why `value` cannot be appended, or undefined when it can. */
function valueProblem(value: unknown): string | undefined {
  if (!isJsonValue(value)) {
    const what = value === undefined ? 'nothing (undefined)' : `a ${typeof value} that is not plain JSON`;
    return `${what}; return a JSON value (null, boolean, finite number, string, array or plain object)`;
  }
  const bytes = encodedBytes(value);
  if (bytes > MAX_VALUE_BYTES) return `${bytes} bytes of JSON; at most ${MAX_VALUE_BYTES} may be appended`;
  return undefined;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? message;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
