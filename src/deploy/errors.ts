import { WhiskSyncError } from '../errors.js';

/** What went wrong while reading a manifest or deploying it; stable for callers to switch on. */
export type DeployErrorCode =
  'MANIFEST_NOT_FOUND' | 'MANIFEST_INVALID' | 'BUNDLE_MISSING' | 'UNKNOWN_RUNTIME' | 'DEPLOY_FAILED';

/**
 * A deployment problem the user can fix (a missing file, a typo in the manifest, an unbuilt bundle).
 * The message is one line meant to be printed as is.
 */
export class DeployError extends WhiskSyncError {
  override readonly name = 'DeployError';
  /** Machine-readable cause. */
  readonly code: DeployErrorCode;

  constructor(code: DeployErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
