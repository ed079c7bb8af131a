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
  /** Tells the leader that `slave` will not come, so that nobody waits for it. */
  abandonSlave(request: AbandonRequest): Promise<void>;
}

// Loaded on first use: most rounds never abandon a slave, and the client needs no broker code otherwise.
const BROKER_MODULE = '../broker/index.js';

async function abandonSlave(request: AbandonRequest): Promise<void> {
  const mod = (await import(BROKER_MODULE)) as { abandonSlave?: (request: AbandonRequest) => Promise<void> };
  if (typeof mod.abandonSlave !== 'function') {
    throw new TypeError(`${BROKER_MODULE} does not export abandonSlave`);
  }
  await mod.abandonSlave(request);
}

/** The protocol's own implementation of {@link RunCoordination}. */
export const defaultCoordination: RunCoordination = { createRunCredentials, abandonSlave };
