import { WhiskSyncError } from '../errors.js';

/** Machine-readable codes of the errors thrown by the embedded controller's API. */
export type LocalWhiskErrorCode = 'ERR_LOCALWHISK_OPTION';

/** A bad option given to `startLocalWhisk` (or on the `serve` command line). */
export class LocalWhiskOptionError extends WhiskSyncError {
  readonly code: LocalWhiskErrorCode = 'ERR_LOCALWHISK_OPTION';
  override readonly name = 'LocalWhiskOptionError';
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
