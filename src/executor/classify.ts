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

/** Where a user sets the API host; named in the advice about an unreachable one. */
const APIHOST_SETTINGS = '--apihost, __OW_API_HOST or APIHOST in ~/.wskprops';

/**
 * Advice for a request that got no HTTP answer, from the message of the Node.js error the openwhisk
 * SDK wraps (`connect ECONNREFUSED 127.0.0.1:1`, `... SSL routines ... wrong version number`,
 * `getaddrinfo ENOTFOUND host`): what was tried and the likely fix. `apihost` is the URL that was
 * tried, when known. Undefined for any other message.
 */
export function describeNetworkFailure(message: string, apihost?: string): string | undefined {
  const text = message.replace(/^Unknown Error From API: /, '');
  const refused = /\bECONNREFUSED\s*(\S*)/.exec(text);
  if (refused !== null) {
    const where = apihost ?? refused[1] ?? 'the API host';
    return (
      `nothing is listening at ${where} (ECONNREFUSED): start the OpenWhisk server, ` +
      `or set the right address in ${APIHOST_SETTINGS}`
    );
  }
  if (/wrong version number|EPROTO|packet length too long|SSL routines/i.test(text)) {
    const tried = apihost ?? 'the https:// API host';
    const plain = apihost?.replace(/^https:/, 'http:') ?? 'http://host:port';
    return (
      `${tried} answered without TLS (https:// is assumed when the host has no scheme): ` +
      `for a server that speaks plain HTTP, write ${plain}`
    );
  }
  const unknownHost = /\b(?:ENOTFOUND|EAI_AGAIN)\s*(\S*)/.exec(text);
  if (unknownHost !== null) {
    const host = unknownHost[1] === undefined || unknownHost[1] === '' ? 'the API host' : unknownHost[1];
    return `host name ${host} not found: check the address in ${APIHOST_SETTINGS}`;
  }
  return undefined;
}
