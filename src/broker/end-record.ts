import type { Channel, ChannelModel } from 'amqplib';
import { decode, encode } from '../protocol/codec.js';
import { wallClockMs } from '../protocol/deadline.js';
import type { EndMessage, Message } from '../protocol/messages.js';
import { keyFingerprint } from '../protocol/signing.js';
import { confirmChannel, onOwnConnection } from './connection.js';
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
/** Reads of an existing record that holds no end of this run before it counts as absent. */
const REREADS = 40;
/**
 * Messages looked at per read: the run's record is one message, and anyone who may publish on the
 * broker can put others in front of it; past this many the record counts as not found this time.
 */
const MESSAGES_PER_READ = 16;
/** Header of the record naming the key it was sealed with ({@link keyFingerprint}, never the key). */
const KEY_HEADER = 'x-wsync-key';

/**
 * The run's end record, when its leader has ended it: the sealed end with the whole list. Read with
 * `basic.get` on a throwaway channel and returned to the queue (closing the channel requeues every
 * message read, in its place), so a missing record (a 404 closes the channel) disturbs nothing and
 * every later party reads the same; the read also keeps it from expiring.
 *
 * Messages that do not verify under the run's key (a stray or forged publish), and the run's own
 * messages that are no sealed end (a replayed live end), are read past, up to
 * {@link MESSAGES_PER_READ}: only the run's own sealed end decides. A record that names another key
 * than the run's is another run's, sealed under the same run id.
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
    let found: RecordFind;
    try {
      found = await findSealedEnd(channel, access);
    } finally {
      await channel.close().catch(() => undefined);
    }
    if (found.end !== undefined) return found.end;
    if (found.otherKey) {
      throw new RunConflictError(
        'RUN_ID_IN_USE',
        `run id ${access.runId} was used by another run (another signing key), which has ended; choose a new run id`,
      );
    }
    // No end of this run in it: the leader is writing it, or another reader holds it for an instant.
    await new Promise((resolve) => setTimeout(resolve, REREAD_MS));
  }
  return undefined;
}

/** What one read of the record found: the run's sealed end, or whether another key's record is there. */
interface RecordFind {
  readonly end?: EndMessage;
  readonly otherKey: boolean;
}

/** Reads the record's messages (left unacknowledged) until the run's sealed end or the read limit. */
async function findSealedEnd(channel: Channel, access: EndRecordAccess): Promise<RecordFind> {
  const ours = keyFingerprint(access.signingKey);
  let otherKey = false;
  for (let read = 0; read < MESSAGES_PER_READ; read++) {
    const got = await channel.get(access.names.endRecord, { noAck: false });
    if (got === false) break;
    const decoded = decode(got.content, access.signingKey, access.runId);
    if ('message' in decoded) {
      if (isSealedEnd(decoded.message)) return { end: decoded.message, otherKey };
      continue;
    }
    const mark: unknown = got.properties.headers?.[KEY_HEADER];
    // A message that claims the run's key but fails its check is forged: it says nothing of the run.
    if (decoded.drop === 'bad signature' && typeof mark === 'string' && mark !== ours) otherKey = true;
  }
  return { otherKey };
}

/**
 * Whether `message` is what a record holds: an end with the whole list, or a failure end. A live
 * end carrying only its last batch, replayed into the record, is not.
 */
function isSealedEnd(message: Message): message is EndMessage {
  return (
    message.k === 'end' &&
    (message.error !== undefined || (message.at === 0 && message.add.length === message.count))
  );
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
    channel.sendToQueue(access.names.endRecord, encode(sealed, access.signingKey), {
      persistent: false,
      headers: { [KEY_HEADER]: keyFingerprint(access.signingKey) },
    });
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
  const text = {
    doing: () => `deleting the end record of run ${runId}`,
    failed: () => `could not delete the end record of run ${runId}`,
  };
  await onOwnConnection(amqpUrl, wallClockMs() + CLEAR_MS, text, async (connection) => {
    const channel = await connection.createChannel();
    await channel.deleteQueue(runNames(runId).endRecord);
  });
}
