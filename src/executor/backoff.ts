import type { Clock } from './clock.js';

/** Exponential backoff: the n-th delay is `initialMs * factor^n`, capped at `maxMs`, then jittered. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/**
 * Delay before retry number `attempt` (0-based), with "equal jitter": half the exponential delay plus a
 * random share of the other half, so that many throttled callers spread out instead of retrying in step,
 * while none retries immediately.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** How {@link retryWhile} runs. */
export interface RetryContext {
  readonly clock: Clock;
  readonly random: () => number;
  readonly policy: BackoffPolicy;
  /** Absolute time on `clock` after which no retry may start. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
}

/**
 * Calls `attempt` until it resolves or throws an error for which `retryable` is false. A retry whose
 * delay would end past the deadline is not attempted: `giveUp(lastError, attempts)` is thrown instead.
 * An abort during a delay throws `aborted()`.
 */
export async function retryWhile<T>(
  attempt: () => Promise<T>,
  retryable: (err: unknown) => boolean,
  context: RetryContext,
  giveUp: (lastError: unknown, attempts: number) => Error,
  aborted: () => Error,
): Promise<T> {
  for (let n = 0; ; n++) {
    if (context.signal?.aborted === true) throw aborted();
    try {
      return await attempt();
    } catch (err) {
      if (!retryable(err)) throw err;
      const delay = backoffDelay(n, context.policy, context.random);
      if (context.clock.now() + delay > context.deadline) throw giveUp(err, n + 1);
      await context.clock.sleep(delay, context.signal);
    }
  }
}
