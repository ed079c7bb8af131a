import { abandonSlave, type AbandonOutcome } from '../broker/abandon.js';
import { clearEndRecord } from '../broker/end-record.js';
import { createRunCredentials, type RunCredentials } from '../protocol/credentials.js';

export type { RunCredentials };

/** What the client tells the leader when a slave has failed for good. */
export interface AbandonRequest {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  readonly slave: number;
}

/** The two protocol operations the client performs itself, outside any action. */
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
}

/** The protocol's and broker adapter's implementation of {@link RunCoordination}. */
export const defaultCoordination: RunCoordination = {
  createRunCredentials,
  abandonSlave,
  clearRun: ({ amqpUrl, runId }) => clearEndRecord(amqpUrl, runId),
};
