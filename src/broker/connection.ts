import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { checkClockTime, msUntil, wallClockMs } from '../protocol/deadline.js';
import { WhiskSyncError } from '../errors.js';
import { BrokerError, reasonOf, settleBy } from './errors.js';

/** AMQP heartbeat in seconds: a silent broker or network is noticed within about two intervals. */
export const HEARTBEAT_SECONDS = 10;

/** Longest wait for a channel on a cached connection before it is presumed dead and replaced. */
const STALE_CHANNEL_MS = 3000;

/** A channel whose server-side errors never crash the process; users listen for 'close'. */
export async function confirmChannel(connection: ChannelModel): Promise<ConfirmChannel> {
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  return channel;
}

/**
 * One connection per broker URL per process (an OpenWhisk container), reused by warm activations.
 * A connection that closes leaves the cache, so the next activation connects afresh.
 */
const connections = new Map<string, Promise<ChannelModel>>();

/**
 * Opens a confirm channel on the cached connection to `url`, connecting when needed. A cached
 * connection that cannot open a channel quickly (a container paused past its heartbeats) is replaced once.
 *
 * @param by - when the whole operation must have ended, on the one clock (`wallClockMs`)
 * @throws {BrokerError} on failure or timeout; the message shows the URL with its password masked
 */
export async function openChannel(
  url: string,
  by: number,
): Promise<{ channel: ConfirmChannel; connection: ChannelModel }> {
  checkClockTime(by, 'openChannel: by');
  const cached = connections.get(url);
  if (cached !== undefined) {
    try {
      const connection = await settleBy(cached, by, `connecting to ${url}`);
      const channel = await settleBy(
        confirmChannel(connection),
        Math.min(by, wallClockMs() + STALE_CHANNEL_MS),
        'opening a channel',
      );
      return { channel, connection };
    } catch {
      forget(url, cached);
    }
  }
  const connection = await settleBy(connectionTo(url, msUntil(by)), by, `connecting to ${url}`);
  try {
    const channel = await settleBy(confirmChannel(connection), by, 'opening a channel');
    return { channel, connection };
  } catch (error) {
    throw new BrokerError(`could not open a channel on ${url}: ${reasonOf(error)}`, { cause: error });
  }
}

/** Closes every cached connection, so a process that is done (a client, a test) can exit. */
export async function closeBrokerConnections(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(
    all.map(async (pending) => {
      try {
        await (await pending).close();
      } catch {
        // Already closed or never opened: nothing left to release.
      }
    }),
  );
}

function connectionTo(url: string, timeoutMs: number): Promise<ChannelModel> {
  const cached = connections.get(url);
  if (cached !== undefined) return cached;
  const pending = dial(url, timeoutMs);
  connections.set(url, pending);
  pending.then(
    (connection) => {
      // Without an 'error' listener a broker-side close would crash the process.
      connection.on('error', () => undefined);
      // Every activation running in this container listens for 'close' on the shared connection.
      connection.setMaxListeners(0);
      connection.on('close', () => {
        forget(url, pending);
      });
    },
    () => {
      forget(url, pending);
    },
  );
  return pending;
}

async function dial(url: string, timeoutMs: number): Promise<ChannelModel> {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(HEARTBEAT_SECONDS));
  try {
    return await connect(parsed.toString(), socketOptions(parsed, timeoutMs));
  } catch (error) {
    throw new BrokerError(`could not connect to ${url}: ${reasonOf(error)}`, { cause: error });
  }
}

/** Socket options of every whisk-sync connection. */
export function socketOptions(url: URL, timeoutMs: number) {
  return {
    // Small request/answer messages: without this, Nagle's algorithm adds ~40 ms per hop.
    noDelay: true,
    timeout: Math.max(1, Math.round(timeoutMs)),
    // Shown by the management UI and `rabbitmqctl list_connections client_properties`: lets an operator
    // (or a test) find the connection of one container process.
    clientProperties: { connection_name: `whisk-sync pid ${process.pid}` },
    // amqps: Node verifies the certificate chain and host name by default; never turned off.
    // Private CAs can be added with NODE_EXTRA_CA_CERTS.
    ...(url.protocol === 'amqps:' ? { servername: url.hostname } : {}),
  };
}

function forget(url: string, entry: Promise<ChannelModel>): void {
  if (connections.get(url) === entry) connections.delete(url);
  entry.then(
    (connection) => connection.close().catch(() => undefined),
    () => undefined,
  );
}

/**
 * Opens a connection of its own to `url` (not the cached one), for a client's short errand that
 * closes it afterwards so the client process can exit.
 *
 * @param by - when the connection must be open, on the one clock (`wallClockMs`)
 * @throws {BrokerError} on failure or timeout; the message shows the URL with its password masked
 */
export async function connectOnce(url: string, by: number): Promise<ChannelModel> {
  let connection: ChannelModel;
  try {
    connection = await settleBy(
      connect(url, socketOptions(new URL(url), msUntil(by))),
      by,
      `connecting to ${url}`,
    );
  } catch (error) {
    throw new BrokerError(`could not connect to ${url}: ${reasonOf(error)}`, { cause: error });
  }
  connection.on('error', () => undefined);
  return connection;
}

/** What {@link onOwnConnection} says of its errand. */
export interface ErrandText {
  /** What the errand is doing, for the error when it does not finish in time. */
  readonly doing: () => string;
  /** What could not be done, before the reason, for an unexpected failure. */
  readonly failed: () => string;
}

/**
 * Runs a client's short errand (abandoning slaves, telling them the leader failed, deleting an end
 * record) on a connection of its own ({@link connectOnce}), and closes it before the promise settles,
 * all by `by`, so a client process can exit. `text` is read once `work` has started.
 *
 * @throws the errand's own {@link WhiskSyncError}, else a {@link BrokerError}
 */
export async function onOwnConnection<T>(
  url: string,
  by: number,
  text: ErrandText,
  work: (connection: ChannelModel) => Promise<T>,
): Promise<T> {
  const connection = await connectOnce(url, by);
  try {
    const running = work(connection);
    return await settleBy(running, by, text.doing());
  } catch (error) {
    if (error instanceof WhiskSyncError) throw error;
    throw new BrokerError(`${text.failed()}: ${reasonOf(error)}`, { cause: error });
  } finally {
    // Bounded too: a broker that stopped answering never confirms the close.
    await settleBy(connection.close(), by, 'closing the connection').catch(() => undefined);
  }
}
