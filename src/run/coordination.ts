import { abandonSlave, type AbandonOutcome } from '../broker/abandon.js';
import { clearEndRecord } from '../broker/end-record.js';
import { announceLeaderFailure, type FailureEndOutcome } from '../broker/failure-end.js';
import { createRunCredentials, type RunCredentials } from '../protocol/credentials.js';

export type { RunCredentials };

/** What the client tells the leader when a slave has failed for good. */
export interface AbandonRequest {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  readonly slave: number;
}

/** What the client tells the slaves when the leader's activation has ended in failure. */
export interface LeaderFailureRequest {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  /** Why the leader failed, as the slaves will report it. */
  readonly reason: string;
  /** Expiry of the end record left for slaves still to come, should the client not delete it. */
  readonly expiresMs: number;
}

/** The protocol operations the client performs itself, outside any action. */
export interface RunCoordination {
  createRunCredentials(): RunCredentials;
  /**
   * Tells the leader that `slave` will not come, so that nobody waits for it. Creates nothing on the
   * broker; calls for one run made at the same moment share one connection.
   */
  abandonSlave(request: AbandonRequest): Promise<AbandonOutcome>;
  /**
   * Deletes what the run's leader leaves for late parties (its end record), once every activation of
   * the run has ended, so that nothing of the run stays on the broker. Optional: without it the record
   * expires after the run's `expiresMs`.
   */
  clearRun?(request: { readonly amqpUrl: string; readonly runId: string }): Promise<void>;
  /**
   * Ends the run with a failure end on behalf of a leader whose activation has ended in failure, so
   * that slaves that never heard from it fail at once with `LEADER_FAILED`; does nothing while a leader
   * consumes the run's queue or once the run has an end record. Optional: without it those slaves wait
   * until their own deadline.
   */
  announceLeaderFailure?(request: LeaderFailureRequest): Promise<FailureEndOutcome>;
}

/** The protocol's and broker adapter's implementation of {@link RunCoordination}. */
export const defaultCoordination: RunCoordination = {
  createRunCredentials,
  abandonSlave,
  clearRun: ({ amqpUrl, runId }) => clearEndRecord(amqpUrl, runId),
  announceLeaderFailure,
};
