import { WhiskSyncError } from '../errors.js';

/** Machine-readable codes of the errors that stop a soak. */
export type SoakErrorCode = 'BROKER_CLI_FAILED' | 'EVENTS_MISSING';

/** A soak cannot go on: a broker tool failed, or the broker's events do not arrive. One-line message. */
export class SoakError extends WhiskSyncError {
  override readonly name = 'SoakError';
  readonly code: SoakErrorCode;

  constructor(code: SoakErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
