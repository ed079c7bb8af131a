import { connect } from 'amqplib';
import { encode } from '../protocol/codec.js';
import { activationNonce } from '../protocol/credentials.js';
import { DEFAULT_EXPIRES_MS, MAX_SLAVES } from '../protocol/limits.js';
import { ParamError } from '../protocol/failure.js';
import { validateRunAccess } from '../protocol/validate.js';
import { confirmChannel, socketOptions } from './connection.js';
import { BrokerError, reasonOf, within } from './errors.js';
import { runNames } from './names.js';
import { declareRunTopology } from './topology.js';

/** What {@link abandonSlave} needs: the run's access and the slave that failed for good. */
export interface AbandonSlaveOptions {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  /** Id of the slave whose activation failed and will not be retried. */
  readonly slave: number;
  /** Must equal the run's `expiresMs` when the run set one. Default 300000. */
  readonly expiresMs?: number;
  /** Longest time for the whole operation. Default 10000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Tells the run's leader that a slave failed for good, so nobody waits for it: the leader revokes it
 * if it holds the grant, stops considering it, and ends the run once every other slave is done.
 * Safe before the leader starts (the leader's queue is declared first, so the message waits there).
 *
 * Uses its own short-lived connection, closed before returning, so a client process can exit.
 *
 * @throws {ParamError} for a bad option (the key is never quoted)
 * @throws {BrokerError} when the broker cannot be reached or does not confirm within `timeoutMs`
 */
export async function abandonSlave(options: AbandonSlaveOptions): Promise<void> {
  const { runId, amqpUrl, signingKey } = validateRunAccess(options);
  const { slave } = options;
  if (!Number.isInteger(slave) || slave < 0 || slave >= MAX_SLAVES) {
    throw new ParamError(
      'slave',
      `slave must be an integer from 0 to ${MAX_SLAVES - 1} (got ${String(slave)})`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const names = runNames(runId);
  const message = { k: 'abandon', run: runId, no: 0, slave, nonce: activationNonce() } as const;
  let connection;
  try {
    connection = await within(
      connect(amqpUrl, socketOptions(new URL(amqpUrl), timeoutMs)),
      timeoutMs,
      `connecting to ${amqpUrl}`,
    );
  } catch (error) {
    throw new BrokerError(`could not connect to ${amqpUrl}: ${reasonOf(error)}`, { cause: error });
  }
  connection.on('error', () => undefined);
  try {
    const work = async () => {
      const channel = await declareRunTopology(
        connection,
        await confirmChannel(connection),
        names,
        options.expiresMs ?? DEFAULT_EXPIRES_MS,
        signingKey,
      );
      channel.sendToQueue(names.leaderQueue, encode(message, signingKey), { persistent: false });
      await channel.waitForConfirms();
    };
    await within(work(), timeoutMs, `telling the leader of run ${runId} that slave ${slave} failed`);
  } catch (error) {
    throw error instanceof BrokerError
      ? error
      : new BrokerError(`could not abandon slave ${slave}: ${reasonOf(error)}`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
