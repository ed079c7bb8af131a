import { maskUrl } from '../protocol/mask.js';
import { WhiskSyncError } from '../errors.js';
import { msUntil } from '../protocol/deadline.js';

/**
 * The broker connection or channel failed, timed out, or refused an operation. The message names
 * the operation and never contains a password (URLs are masked).
 */
export class BrokerError extends WhiskSyncError {
  override readonly name = 'BrokerError';
  readonly code = 'BROKER';
  constructor(message: string, options?: { cause?: unknown }) {
    super(maskUrl(message), options);
  }
}

/** The reason text of an unknown thrown value, masked. */
export function reasonOf(error: unknown): string {
  return maskUrl(error instanceof Error ? error.message : String(error));
}

/** Rejects with a {@link BrokerError} when `promise` takes longer than `ms`; clears its timer either way. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        reject(new BrokerError(`${what} did not finish within ${Math.round(ms)} ms`));
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Rejects with a {@link BrokerError} when `promise` has not settled by `by`, a time on the one clock
 * (`wallClockMs`) derived from an activation's deadline: how every broker wait of a party is bounded.
 */
export function settleBy<T>(promise: Promise<T>, by: number, what: string): Promise<T> {
  return within(promise, msUntil(by), what);
}
