import { InvocationError, type InvocationFailure } from './errors.js';
import { TransportError } from './transport.js';

/** Maps an HTTP status (undefined: no answer) to the reason callers can switch on. */
export function invocationFailure(statusCode: number | undefined): InvocationFailure {
  if (statusCode === undefined) return 'NETWORK';
  if (statusCode === 401 || statusCode === 403) return 'UNAUTHORIZED';
  if (statusCode === 404) return 'NOT_FOUND';
  if (statusCode === 429) return 'THROTTLED';
  if (statusCode === 502) return 'ACTION_FAILED';
  if (statusCode >= 500) return 'SERVER_ERROR';
  return 'REJECTED';
}

const HINTS: Partial<Record<InvocationFailure, string>> = {
  UNAUTHORIZED: ' (check the API key)',
  NOT_FOUND: ' (is the action deployed in this namespace?)',
};

/** A one-line {@link InvocationError} for a failed request about `action`; `doing` says what was tried. */
export function toInvocationError(err: unknown, action: string, doing: string): InvocationError {
  if (err instanceof InvocationError) return err;
  const statusCode = err instanceof TransportError ? err.statusCode : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  const reason = invocationFailure(statusCode);
  const status = statusCode === undefined ? '' : ` HTTP ${statusCode}`;
  return new InvocationError(
    `${doing} failed:${status} ${detail}${HINTS[reason] ?? ''}`,
    reason,
    action,
    statusCode,
  );
}

/** 429: the only status on which an invocation is retried. */
export function isThrottled(err: unknown): boolean {
  return err instanceof TransportError && err.statusCode === 429;
}
