import { encode } from '../protocol/codec.js';
import { activationNonce } from '../protocol/credentials.js';
import { wallClockMs } from '../protocol/deadline.js';
import { MAX_SLAVES } from '../protocol/limits.js';
import { ParamError } from '../protocol/failure.js';
import { validateRunAccess } from '../protocol/validate.js';
import { confirmChannel, onOwnConnection } from './connection.js';
import { runNames } from './names.js';

/** What {@link abandonSlave} needs: the run's access and the slave that failed for good. */
export interface AbandonSlaveOptions {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  /** Id of the slave whose activation failed and will not be retried. */
  readonly slave: number;
  /** Longest time for the whole operation. Default 10000 ms. */
  readonly timeoutMs?: number;
}

/** What {@link abandonSlaves} needs: the run's access and the slaves that failed for good. */
export interface AbandonSlavesOptions extends Omit<AbandonSlaveOptions, 'slave'> {
  readonly slaves: readonly number[];
}

/** What became of an abandon. */
export interface AbandonOutcome {
  /**
   * False when the run's leader queue does not exist: the run is over, or none of its parties has
   * started yet (its leader will then wait for the slave until its deadline). Nothing was created.
   */
  readonly delivered: boolean;
}

/** Longest time for one abandon when the caller sets none. */
const DEFAULT_ABANDON_MS = 10_000;

/**
 * Tells the run's leader that a slave failed for good, so nobody waits for it: the leader revokes it
 * if it holds the grant, stops considering it, and ends the run once every other slave is done.
 *
 * Declares nothing: the message goes to the leader's queue only if it exists (a mandatory publish),
 * so an abandon after the run ended leaves nothing behind. Calls for the same run that come while
 * the connection opens share it (one connection for every slave of a container that died at once);
 * the connection is closed before the promise settles, so a client process can exit.
 *
 * @throws {ParamError} for a bad option (the key is never quoted)
 * @throws {BrokerError} when the broker cannot be reached or does not confirm within `timeoutMs`
 */
export function abandonSlave(options: AbandonSlaveOptions): Promise<AbandonOutcome> {
  checkSlave(options.slave);
  const access = validateRunAccess(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_ABANDON_MS;
  const id = `${access.amqpUrl}\n${access.runId}\n${access.signingKey}\n${timeoutMs}`;
  let batch = gathering.get(id);
  if (batch === undefined) {
    const slaves: number[] = [];
    const take = () => {
      gathering.delete(id);
      return slaves;
    };
    batch = { slaves, done: send({ ...access, timeoutMs }, take) };
    gathering.set(id, batch);
  }
  batch.slaves.push(options.slave);
  return batch.done;
}

/**
 * {@link abandonSlave} for several slaves at once, over one connection.
 * @throws {ParamError} for a bad option
 * @throws {BrokerError} when the broker cannot be reached or does not confirm within `timeoutMs`
 */
export function abandonSlaves(options: AbandonSlavesOptions): Promise<AbandonOutcome> {
  for (const slave of options.slaves) checkSlave(slave);
  const access = validateRunAccess(options);
  const slaves = [...options.slaves];
  return send({ ...access, timeoutMs: options.timeoutMs ?? DEFAULT_ABANDON_MS }, () => slaves);
}

/** Abandons still taking slaves (their connection is opening), by run. */
const gathering = new Map<string, { readonly slaves: number[]; readonly done: Promise<AbandonOutcome> }>();

function checkSlave(slave: number): void {
  if (!Number.isInteger(slave) || slave < 0 || slave >= MAX_SLAVES) {
    throw new ParamError(
      'slave',
      `slave must be an integer from 0 to ${MAX_SLAVES - 1} (got ${String(slave)})`,
    );
  }
}

/** Connects, then publishes one abandon per slave that `take` returns (called once connected). */
async function send(
  access: { amqpUrl: string; runId: string; signingKey: string; timeoutMs: number },
  take: () => readonly number[],
): Promise<AbandonOutcome> {
  const { amqpUrl, runId, signingKey } = access;
  // Taken once connected, so calls that come while the connection opens join; taken in any case, so
  // a failed connection leaves no batch behind for later calls to join.
  let taken: readonly number[] | undefined;
  const slaves = () => (taken ??= take());
  const text = {
    doing: () => `telling the leader of run ${runId} that slaves ${slaves().join(', ')} failed`,
    failed: () => `could not abandon slaves ${slaves().join(', ')}`,
  };
  const queue = runNames(runId).leaderQueue;
  try {
    return await onOwnConnection(amqpUrl, wallClockMs() + access.timeoutMs, text, async (connection) => {
      const batch = slaves();
      const channel = await confirmChannel(connection);
      let returned = 0;
      // An unroutable mandatory message comes back before its confirm: the queue does not exist.
      channel.on('return', () => {
        returned += 1;
      });
      for (const slave of batch) {
        const message = { k: 'abandon', run: runId, no: 0, slave, nonce: activationNonce() } as const;
        channel.sendToQueue(queue, encode(message, signingKey), { persistent: false, mandatory: true });
      }
      await channel.waitForConfirms();
      return { delivered: returned === 0 };
    });
  } finally {
    slaves();
  }
}
