/**
 * Base class of every error whisk-sync throws on purpose. Switch on `code` (stable, machine-readable)
 * rather than on the message or the class; `cause`, when set, is the error that led to this one.
 *
 * ```ts
 * try { await fexec.getResult(futures); } catch (error) {
 *   if (error instanceof WhiskSyncError && error.code === 'TIMEOUT') ...
 * }
 * ```
 */
export abstract class WhiskSyncError extends Error {
  /** Stable identifier of what went wrong, e.g. `'TIMEOUT'` or `'MANIFEST_NOT_FOUND'`. */
  abstract readonly code: string;

  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
