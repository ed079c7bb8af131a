import { AbortedError, ActivationError, ExecutorTimeoutError } from '../executor/errors.js';
import type { ResponseFuture } from '../executor/future.js';
import type { HistoryEvent } from '../history/event.js';
import type { FailureCode } from '../protocol/failure.js';
import type { SlaveResult } from '../protocol/params.js';
import type { ClientEvents } from './client-events.js';
import type { SlaveFailure } from './report.js';

/** One slave's outcome as the client collected it: its result, or why it has none. */
export type CollectedSlave = { readonly result: SlaveResult } | { readonly failure: SlaveFailure };

/** What {@link collectSlave} needs from the round. */
export interface CollectContext {
  /** How often a failed slave is invoked again. */
  readonly retries: number;
  /** Milliseconds left until the round's deadline (at least 1). */
  readonly remaining: () => number;
  /** Aborts when the round stops waiting for its slaves (the leader failed). */
  readonly stop: AbortSignal;
  /** Whether the leader's activation has failed: a slave invoked again would find no leader. */
  readonly leaderFailed: () => boolean;
  readonly events: ClientEvents;
  readonly note: (line: string) => void;
  /** Called with each re-invocation's future. */
  readonly retried: (future: ResponseFuture<SlaveResult>) => void;
  /** History events found in a failed activation's error result. */
  readonly failedHistory: (events: readonly HistoryEvent[]) => void;
  /** Tells the leader to stop waiting for slave `id`. */
  readonly abandon: (id: number) => Promise<void>;
}

/**
 * Failure codes of the user's own callback: invoking the slave again would run the same code on
 * the same list, so it is not retried; the leader has already ended the grant.
 */
const NOT_RETRIED: readonly FailureCode[] = ['CALLBACK_FAILED', 'BAD_VALUE'];

/**
 * Waits for slave `id`'s result; re-invokes it (same id) up to `retries` times while it fails, and
 * when it has failed for good, tells the leader to stop waiting for it. Never throws: a slave that
 * returned no list is a {@link SlaveFailure}.
 */
export async function collectSlave(
  id: number,
  first: ResponseFuture<SlaveResult>,
  context: CollectContext,
): Promise<CollectedSlave> {
  const { events, note } = context;
  let future = first;
  const activationIds: string[] = [];
  for (let attempt = 1; ; attempt++) {
    if (future.activationId !== undefined) activationIds.push(future.activationId);
    let error: unknown;
    try {
      const result = await future.result({ timeoutMs: context.remaining(), signal: context.stop });
      events.ended('slave', future, id);
      const checked = asSlaveResult(result);
      if (typeof checked !== 'string') return { result: checked };
      error = new Error(checked);
    } catch (caught) {
      events.ended('slave', future, id, caught);
      context.failedHistory(historyOfFailure(caught));
      error = caught;
    }
    const stopped = error instanceof AbortedError || context.stop.aborted;
    const reason = stopped ? 'not awaited: the leader failed' : oneLine(error);
    const canRetry =
      attempt <= context.retries &&
      !stopped &&
      !context.leaderFailed() &&
      !(error instanceof ExecutorTimeoutError) &&
      !NOT_RETRIED.includes(failureCode(error) as FailureCode) &&
      context.remaining() > 1;
    if (canRetry) {
      note(`slave ${id} failed (${reason}); invoking it again (retry ${attempt} of ${context.retries})`);
      future = await future.retry();
      context.retried(future);
      events.invoked('slave', future, id);
      continue;
    }
    if (!stopped) note(`slave ${id} failed: ${reason}`);
    try {
      await context.abandon(id);
    } catch (abandonError) {
      note(`could not tell the leader that slave ${id} failed: ${oneLine(abandonError)}`);
    }
    return { failure: { id, attempts: attempt, activationIds, error: reason } };
  }
}

/** The `code` of a failed activation's error result, if any. */
export function failureCode(error: unknown): unknown {
  return error instanceof ActivationError ? error.result.code : undefined;
}

/** History events in the error result of a failed activation, if it returned any. */
export function historyOfFailure(error: unknown): HistoryEvent[] {
  if (!(error instanceof ActivationError)) return [];
  const history = error.result.history;
  return Array.isArray(history) ? (history as HistoryEvent[]) : [];
}

/** The result as a {@link SlaveResult}, or one line saying why it is not one. */
function asSlaveResult(value: unknown): SlaveResult | string {
  if (typeof value !== 'object' || value === null) return 'the slave returned no dictionary';
  const list = (value as { list?: unknown }).list;
  if (!Array.isArray(list)) return 'the slave returned no list';
  return value as SlaveResult;
}

/** The first line of an error's message. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
