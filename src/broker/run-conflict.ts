import { WhiskSyncError } from '../errors.js';

/** Why a party refused to act for a run (see {@link RunConflictError}). */
export type RunConflictCode = 'LEADER_CONFLICT' | 'RUN_ID_IN_USE';

/**
 * A party found that acting would disturb a run, and did nothing:
 * - `LEADER_CONFLICT`: another leader already consumes the run's queue, or already ended the run;
 * - `RUN_ID_IN_USE`: the run id belongs to a run with another signing key.
 */
export class RunConflictError extends WhiskSyncError {
  override readonly name = 'RunConflictError';
  constructor(
    readonly code: RunConflictCode,
    message: string,
  ) {
    super(message);
  }
}

/** The broker refused an exclusive consume because the queue already has a consumer (AMQP 403). */
export function isAccessRefused(error: unknown): boolean {
  for (let e: unknown = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === 403) return true;
    if (e instanceof Error && e.message.includes('ACCESS_REFUSED')) return true;
    if (!(e instanceof Error)) break;
  }
  return false;
}
