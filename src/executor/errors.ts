import { WhiskSyncError } from '../errors.js';

/** Machine-readable codes of every error the executor throws on purpose. */
export type ExecutorErrorCode =
  | 'CONFIG_INVALID'
  | 'INVOCATION_FAILED'
  | 'ACTIVATION_FAILED'
  | 'TIMEOUT'
  | 'CAPACITY_EXCEEDED'
  | 'ABORTED'
  | 'EXECUTOR_CLOSED';

/** Base class of the executor's errors; switch on `code` rather than on the message. */
export abstract class ExecutorError extends WhiskSyncError {
  abstract override readonly code: ExecutorErrorCode;
}

/** No usable OpenWhisk configuration: the message says which setting is missing or malformed. */
export class ConfigError extends ExecutorError {
  readonly code = 'CONFIG_INVALID';
  override readonly name = 'ConfigError';
}

/** Why an invocation was refused, derived from the HTTP status or the network failure. */
export type InvocationFailure =
  /** 401/403: the API key is wrong or lacks the right. */
  | 'UNAUTHORIZED'
  /** 404: no such action (or package, or namespace). */
  | 'NOT_FOUND'
  /** 429 on every attempt until the deadline. */
  | 'THROTTLED'
  /** 502: the platform ran the action and it failed; never retried because it ran. */
  | 'ACTION_FAILED'
  /** Any other 4xx: the request itself was rejected (bad parameters, payload too large). */
  | 'REJECTED'
  /** Any other 5xx. */
  | 'SERVER_ERROR'
  /** No HTTP answer: refused connection, DNS failure, TLS failure, request timeout. */
  | 'NETWORK';

/** The platform did not accept an invocation (or an activation could not be read back). */
export class InvocationError extends ExecutorError {
  readonly code = 'INVOCATION_FAILED';
  override readonly name = 'InvocationError';
  constructor(
    message: string,
    /** What went wrong, for callers that react differently (e.g. re-deploy on `NOT_FOUND`). */
    readonly reason: InvocationFailure,
    /** Fully qualified or package-relative action name that was being invoked. */
    readonly action: string,
    /** HTTP status, when there was an HTTP answer. */
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

/** Terminal status of an activation record other than `success`. */
export type ActivationFailureStatus = 'application error' | 'action developer error' | 'whisk internal error';

/** The action ran and failed: carries everything needed to diagnose it without another request. */
export class ActivationError extends ExecutorError {
  readonly code = 'ACTIVATION_FAILED';
  override readonly name = 'ActivationError';
  constructor(
    message: string,
    readonly activationId: string,
    readonly action: string,
    /** The record's `response.status`. */
    readonly status: ActivationFailureStatus,
    /** The record's `response.result`, typically `{ error: ... }`. */
    readonly result: Readonly<Record<string, unknown>>,
    /** The activation's log lines (`"<ISO time> stdout: ..."`). */
    readonly logs: readonly string[],
  ) {
    super(message);
  }
}

/** A wait reached its deadline; `unfinished` names the activations that had not finished. */
export class ExecutorTimeoutError extends ExecutorError {
  readonly code = 'TIMEOUT';
  override readonly name = 'ExecutorTimeoutError';
  constructor(
    message: string,
    readonly timeoutMs: number,
    /** Activation ids still unfinished at the deadline (invocations not yet accepted have none). */
    readonly unfinished: readonly string[],
  ) {
    super(message);
  }
}

/** A run needs more concurrent activations than the target allows, so it would deadlock. */
export class CapacityError extends ExecutorError {
  readonly code = 'CAPACITY_EXCEEDED';
  override readonly name = 'CapacityError';
  constructor(
    message: string,
    readonly required: number,
    readonly limit: number,
  ) {
    super(message);
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortedError extends ExecutorError {
  readonly code = 'ABORTED';
  override readonly name = 'AbortedError';
}

/** The executor was closed while the operation was pending, or used after `close()`. */
export class ExecutorClosedError extends ExecutorError {
  readonly code = 'EXECUTOR_CLOSED';
  override readonly name = 'ExecutorClosedError';
}
