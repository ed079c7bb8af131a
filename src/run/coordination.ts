import { abandonSlave, type AbandonOutcome } from '../broker/abandon.js';
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
}

/** The protocol's and broker adapter's implementation of {@link RunCoordination}. */
export const defaultCoordination: RunCoordination = { createRunCredentials, abandonSlave };
