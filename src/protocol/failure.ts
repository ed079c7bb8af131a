import type { HistoryEvent } from '../history/event.js';
import { WhiskSyncError } from '../errors.js';

/**
 * Machine-readable reason of a failed activation, carried as `code` next to the message in `error`:
 * - `BAD_PARAM`: a parameter is missing or invalid; nothing touched the broker.
 * - `TIMEOUT`: the activation's deadline (less a safety margin) passed while it waited.
 * - `LEADER_SILENT`: a slave stopped hearing the leader's heartbeats.
 * - `REVOKED`: the leader revoked this slave's grant (lease expired); a retry may register again.
 * - `NOT_COMMITTED`: the run ended without this slave's value (abandoned, or registered too late).
 * - `INCOMPLETE`: the leader ended the run with slaves missing.
 * - `LEADER_FAILED`: the run's leader refused to run (a bad parameter) and said so to the slaves.
 * - `LEADER_CONFLICT`: another leader already acts (or acted) for this run; this one did nothing.
 * - `RUN_ID_IN_USE`: another run (another signing key) uses this run id; this party did nothing.
 * - `BROKER`: the broker connection or channel failed, or refused an operation.
 * - `PROTOCOL`: a slave's followed list disagrees with the leader's end; never expected.
 * - `CALLBACK_FAILED`: the slave's callback threw (or rejected) while holding the grant; the grant was
 *   released at once and the run goes on without this slave.
 * - `BAD_VALUE`: the slave's callback returned something that is not JSON, or is larger than the
 *   documented limit; handled like `CALLBACK_FAILED`.
 */
export type FailureCode =
  | 'BAD_PARAM'
  | 'TIMEOUT'
  | 'LEADER_SILENT'
  | 'REVOKED'
  | 'NOT_COMMITTED'
  | 'INCOMPLETE'
  | 'LEADER_FAILED'
  | 'LEADER_CONFLICT'
  | 'RUN_ID_IN_USE'
  | 'BROKER'
  | 'PROTOCOL'
  | 'CALLBACK_FAILED'
  | 'BAD_VALUE';

/** The application error an action returns; OpenWhisk marks results with `error` as failed. */
export interface ActionFailure {
  /** One line saying what went wrong, what was awaited and how far the run got. */
  readonly error: string;
  readonly code: FailureCode;
  /** Leader, `INCOMPLETE`: slave ids without a value in the list, ascending. */
  readonly missing?: number[];
  /** Messages this party received and dropped. */
  readonly dropped?: number;
  readonly history?: HistoryEvent[];
}

/** A parameter that fails validation; its message names the parameter and the (masked) value. */
export class ParamError extends WhiskSyncError {
  override readonly name = 'ParamError';
  readonly code = 'BAD_PARAM';
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}
