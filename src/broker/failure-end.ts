import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { encode } from '../protocol/codec.js';
import { activationNonce } from '../protocol/credentials.js';
import { failureEnd } from '../protocol/leader-machine.js';
import { ParamError } from '../protocol/failure.js';
import { validateRunAccess } from '../protocol/validate.js';
import { wallClockMs } from '../protocol/deadline.js';
import { DEFAULT_EXPIRES_MS, PARAM_RANGES } from '../protocol/limits.js';
import { cleanUp } from './cleanup.js';
import { confirmChannel, onOwnConnection } from './connection.js';
import { runNames } from './names.js';
import { writeEndRecord, type EndRecordAccess } from './end-record.js';
import { isAccessRefused } from './run-conflict.js';
import { joinRunTopology } from './topology.js';

/**
 * What became of a failure end:
 * - `announced`: published on the run's log and left as its end record; the run's topology deleted;
 * - `ended`: the run already has an end record, which stands;
 * - `leader-alive`: a leader consumes the run's queue, so it serves the run and nothing was said;
 * - `nobody-waiting`: the run's leader queue does not exist and nothing was created (only when asked).
 */
export type FailureEndOutcome = 'announced' | 'ended' | 'leader-alive' | 'nobody-waiting';

/** How {@link endRunAsFailed} goes about it. */
export interface FailureEndOptions {
  /** Queue expiry of what it declares, the end record included. */
  readonly expiresMs: number;
  /** When deleting the run's topology must have ended (on the one clock). */
  readonly cleanupBy: number;
  /** Do nothing when the run's leader queue does not exist (no party has started). */
  readonly onlyIfWaiting: boolean;
}

/**
 * Ends a run on behalf of a leader that cannot: takes the run's leader queue as its only consumer
 * (exclusive, so it never races a live leader: the broker refuses it while one consumes), publishes a
 * failure `end` on the run's log for the slaves waiting, leaves it as the run's end record for slaves
 * still to come, and deletes the leader's queue and the log exchange as the leader would. Slaves that
 * have not heard from a leader then fail at once with `LEADER_FAILED`.
 *
 * @param channel - a confirm channel on `connection`, used up by the call
 * @throws {RunConflictError} `RUN_ID_IN_USE` (another key's run), or the broker's error
 */
export async function endRunAsFailed(
  connection: ChannelModel,
  channel: ConfirmChannel,
  access: EndRecordAccess,
  reason: string,
  options: FailureEndOptions,
): Promise<FailureEndOutcome> {
  const { names } = access;
  if (options.onlyIfWaiting && !(await queueExists(connection, names.leaderQueue))) {
    return 'nobody-waiting';
  }
  const joined = await joinRunTopology(connection, channel, access, options.expiresMs);
  if (joined.ended !== undefined) return 'ended';
  const usable = joined.channel;
  try {
    await usable.consume(names.leaderQueue, () => undefined, { exclusive: true, noAck: false });
  } catch (error) {
    if (isAccessRefused(error)) return 'leader-alive';
    throw error;
  }
  const end = failureEnd(access.runId, activationNonce(), reason);
  await writeEndRecord(connection, access, end, options.expiresMs);
  usable.publish(names.logExchange, '', encode(end, access.signingKey), { persistent: false });
  await usable.waitForConfirms();
  await cleanUp(
    connection,
    usable,
    { queues: [names.leaderQueue], exchanges: [names.logExchange] },
    options.cleanupBy,
  );
  return 'announced';
}

/** What {@link announceLeaderFailure} needs: the run's access and why its leader failed. */
export interface LeaderFailureOptions {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  /** What the slaves are told; at most 500 characters are kept. Must not hold secrets. */
  readonly reason: string;
  /**
   * Queue expiry of the end record (and of the leader's queue in the instant it is taken), for when
   * the client cannot delete the record itself. Default the protocol's 300000.
   */
  readonly expiresMs?: number;
  /** Longest time for the whole errand. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** Longest errand when the caller sets none. */
const DEFAULT_ANNOUNCE_MS = 5000;

/**
 * Tells the slaves of a run that its leader failed, for a client that has learned that the leader's
 * activation ended in failure: ends the run as failed ({@link endRunAsFailed}) unless a leader still
 * consumes the run's queue or the run already has an end record, in which case it does nothing. Works
 * whether or not a party has started: slaves still to come read the end record. Over a connection of
 * its own, closed before the promise settles.
 *
 * @throws {ParamError} for a bad option (the key is never quoted)
 * @throws {RunConflictError} `RUN_ID_IN_USE` when the run id belongs to a run with another key
 * @throws {BrokerError} when the broker cannot be reached or does not answer within `timeoutMs`
 */
export async function announceLeaderFailure(options: LeaderFailureOptions): Promise<FailureEndOutcome> {
  const access = validateRunAccess(options);
  const expiresMs = options.expiresMs ?? DEFAULT_EXPIRES_MS;
  const { min, max } = PARAM_RANGES.expiresMs;
  if (!Number.isSafeInteger(expiresMs) || expiresMs < min || expiresMs > max) {
    throw new ParamError(
      'expiresMs',
      `expiresMs must be an integer from ${min} to ${max} (got ${String(expiresMs)})`,
    );
  }
  const by = wallClockMs() + (options.timeoutMs ?? DEFAULT_ANNOUNCE_MS);
  const record: EndRecordAccess = {
    names: runNames(access.runId),
    runId: access.runId,
    signingKey: access.signingKey,
  };
  const text = {
    doing: () => `telling the slaves of run ${access.runId} that the leader failed`,
    failed: () => 'could not tell the slaves that the leader failed',
  };
  return onOwnConnection(access.amqpUrl, by, text, async (connection) => {
    const channel = await confirmChannel(connection);
    return endRunAsFailed(connection, channel, record, options.reason, {
      expiresMs,
      cleanupBy: by,
      onlyIfWaiting: false,
    });
  });
}

/** Whether `queue` exists: a passive declare on a throwaway channel (a 404 closes it). */
async function queueExists(connection: ChannelModel, queue: string): Promise<boolean> {
  const probe = await connection.createChannel();
  probe.on('error', () => undefined);
  const exists = await probe.checkQueue(queue).then(
    () => true,
    () => false,
  );
  if (exists) await probe.close().catch(() => undefined);
  return exists;
}
