/** Machine-readable codes of the errors thrown by the embedded controller's API. */
export type LocalWhiskErrorCode = 'ERR_LOCALWHISK_OPTION' | 'ERR_LOCALWHISK_CLOSED';

/** A bad option given to `startLocalWhisk` (or on the `serve` command line). */
export class LocalWhiskOptionError extends TypeError {
  readonly code: LocalWhiskErrorCode = 'ERR_LOCALWHISK_OPTION';
  override readonly name = 'LocalWhiskOptionError';
}

/** The controller was closed while the operation was pending. */
export class LocalWhiskClosedError extends Error {
  readonly code: LocalWhiskErrorCode = 'ERR_LOCALWHISK_CLOSED';
  override readonly name = 'LocalWhiskClosedError';
}

/** A request the REST API answers with an error status; `message` is what OpenWhisk puts in `error`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
