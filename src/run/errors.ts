import { WhiskSyncError } from '../errors.js';

/** Machine-readable codes of the errors a run can end with before or outside the protocol. */
export type RunErrorCode = 'USAGE' | 'BROKER_UNREACHABLE' | 'BROKER_REFUSED' | 'BUILD_FAILED';

/** A run could not start or finish for a reason the user can act on; the message is one line. */
export class RunError extends WhiskSyncError {
  override readonly name = 'RunError';
  readonly code: RunErrorCode;

  constructor(code: RunErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A command-line argument was missing or malformed (exit status 2). */
export class UsageError extends RunError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
