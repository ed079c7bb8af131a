/**
 * A TCP proxy on loopback in front of the test broker, for faults no broker setting can scope to one
 * connection: `pause()` stops forwarding in both directions (the broker's confirms and replies never
 * arrive, as when it blocks publishers), and `accepted` counts the connections clients opened.
 *
 *   const proxy = await startTcpProxy();
 *   startAction('leader', { ...params, amqpUrl: proxy.url });
 *   proxy.pause();
 *   await proxy.close();
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { AMQP_URL } from './round.js';

export interface TcpProxy {
  /** `AMQP_URL` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** Client connections accepted so far. */
  readonly accepted: number;
  /** Holds every byte in both directions until {@link resume}. */
  pause(): void;
  resume(): void;
  /** Stops listening and destroys every forwarded connection. */
  close(): Promise<void>;
}

/** Starts a proxy on an ephemeral loopback port forwarding to the broker of `AMQP_URL`. */
export async function startTcpProxy(): Promise<TcpProxy> {
  const target = new URL(AMQP_URL);
  const targetPort = Number(target.port === '' ? 5672 : target.port);
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  let paused = false;
  let accepted = 0;

  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (paused) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  };

  const server = createServer((client) => {
    accepted += 1;
    const upstream = createConnection({ host: target.hostname, port: targetPort });
    sockets.add(client).add(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
  const url = new URL(AMQP_URL);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    url: url.toString(),
    get accepted() {
      return accepted;
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      for (const write of held.splice(0)) write();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
