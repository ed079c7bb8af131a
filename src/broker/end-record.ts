import type { ChannelModel } from 'amqplib';
import { decode, encode } from '../protocol/codec.js';
import { wallClockMs } from '../protocol/deadline.js';
import type { EndMessage } from '../protocol/messages.js';
import { confirmChannel, connectOnce } from './connection.js';
import { BrokerError, reasonOf, settleBy } from './errors.js';
import { runNames, type RunNames } from './names.js';
import { RunConflictError } from './run-conflict.js';

/** What reading or writing a run's end record needs. */
export interface EndRecordAccess {
  readonly names: RunNames;
  readonly runId: string;
  readonly signingKey: string;
}

/** Pause between reads while the record is being written or another party holds it for an instant. */
const REREAD_MS = 50;
/** Reads of an existing but momentarily empty record before it counts as absent. */
const REREADS = 40;

/**
 * The run's end record, when its leader has ended it: the sealed end with the whole list. Read with
 * `basic.get` and returned to the queue (closing the channel requeues it), on a throwaway channel, so
 * a missing record (a 404 closes the channel) disturbs nothing; the read also keeps it from expiring.
 *
 * @throws {RunConflictError} `RUN_ID_IN_USE` when the record was sealed with another key
 */
export async function readEndRecord(
  connection: ChannelModel,
  access: EndRecordAccess,
): Promise<EndMessage | undefined> {
  for (let attempt = 0; attempt < REREADS; attempt++) {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const exists = await channel.checkQueue(access.names.endRecord).then(
      () => true,
      () => false,
    );
    if (!exists) return undefined;
    const got = await channel.get(access.names.endRecord, { noAck: false });
    await channel.close().catch(() => undefined);
    if (got !== false) return sealedEnd(got.content, access);
    // Declared but empty: the leader is writing it, or another reader holds it for an instant.
    await new Promise((resolve) => setTimeout(resolve, REREAD_MS));
  }
  return undefined;
}

function sealedEnd(content: Buffer, access: EndRecordAccess): EndMessage | undefined {
  const decoded = decode(content, access.signingKey, access.runId);
  if ('message' in decoded) return decoded.message.k === 'end' ? decoded.message : undefined;
  if (decoded.drop === 'bad signature') {
    throw new RunConflictError(
      'RUN_ID_IN_USE',
      `run id ${access.runId} was used by another run (another signing key), which has ended; choose a new run id`,
    );
  }
  return undefined;
}

/**
 * Writes the sealed end into the run's end record, which the broker deletes once nobody has read it
 * for `expiresMs` (the run's queue expiry). Resolves once the broker confirmed it.
 */
export async function writeEndRecord(
  connection: ChannelModel,
  access: EndRecordAccess,
  sealed: EndMessage,
  expiresMs: number,
): Promise<void> {
  const channel = await confirmChannel(connection);
  try {
    await channel.assertQueue(access.names.endRecord, {
      durable: true,
      exclusive: false,
      autoDelete: false,
      expires: expiresMs,
    });
    channel.sendToQueue(access.names.endRecord, encode(sealed, access.signingKey), { persistent: false });
    await channel.waitForConfirms();
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Longest time a client spends deleting a finished run's end record. */
const CLEAR_MS = 5000;

/**
 * Deletes run `runId`'s end record. Only the client may call this, and only once every activation it
 * invoked for the run has ended: then no party of the run is left to read the record, which would
 * otherwise stay on the broker until it expires. Deleting a missing record is not an error.
 *
 * @throws {BrokerError} when the broker cannot be reached or does not answer within 5 s
 */
export async function clearEndRecord(amqpUrl: string, runId: string): Promise<void> {
  const by = wallClockMs() + CLEAR_MS;
  const connection = await connectOnce(amqpUrl, by);
  try {
    const work = async () => {
      const channel = await connection.createChannel();
      await channel.deleteQueue(runNames(runId).endRecord);
    };
    await settleBy(work(), by, `deleting the end record of run ${runId}`);
  } catch (error) {
    throw error instanceof BrokerError
      ? error
      : new BrokerError(`could not delete the end record of run ${runId}: ${reasonOf(error)}`, {
          cause: error,
        });
  } finally {
    await settleBy(connection.close(), by, 'closing the connection').catch(() => undefined);
  }
}
