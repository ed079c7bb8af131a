// amqps:// connections verify the broker's certificate: an untrusted one is refused with a clear error,
// a trusted one (NODE_EXTRA_CA_CERTS, read at process start) reaches the real broker through TLS.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { promisify } from 'node:util';

import { BrokerError } from '../../../src/broker/errors.js';
import { closeBrokerConnections, openChannel } from '../../../src/broker/connection.js';
import { wallClockMs } from '../../../src/protocol/deadline.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const TLS_DIR = join(ROOT, 'test', 'fixtures', 'tls');
const BROKER = new URL(process.env.AMQP_URL ?? 'amqp://localhost');
const PASSWORD = 'tls-test-password';

/** A loopback TLS terminator that forwards every connection to the plain-AMQP broker. */
async function startTlsTerminator(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      cert: readFileSync(join(TLS_DIR, 'test-broker.crt')),
      key: readFileSync(join(TLS_DIR, 'test-broker.key')),
    },
    (tls) => {
      const plain = tcpConnect(
        Number(BROKER.port || 5672),
        BROKER.hostname === 'localhost' ? '127.0.0.1' : BROKER.hostname,
      );
      sockets.add(tls).add(plain);
      tls.pipe(plain).pipe(tls);
      const end = (): void => {
        tls.destroy();
        plain.destroy();
      };
      tls.on('error', end).on('close', end);
      plain.on('error', end).on('close', end);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function amqpsUrl(port: number): string {
  const user = decodeURIComponent(BROKER.username || 'guest');
  const password = decodeURIComponent(BROKER.password || 'guest');
  return `amqps://${user}:${password}@localhost:${port}${BROKER.pathname}`;
}

describe('amqps:// certificate verification', function () {
  let terminator: Awaited<ReturnType<typeof startTlsTerminator>>;

  before(async function () {
    terminator = await startTlsTerminator();
  });
  after(async function () {
    await closeBrokerConnections();
    await terminator.close();
  });

  it('refuses a broker whose certificate is not trusted, without showing the password', async function () {
    const url = `amqps://guest:${PASSWORD}@localhost:${terminator.port}/`;
    const failure = await openChannel(url, wallClockMs() + 5000).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(BrokerError);
    const message = (failure as BrokerError).message;
    expect(message).to.match(/self[- ]signed certificate/i);
    expect(message).to.include('amqps://guest:***@localhost');
    expect(message).not.to.include(PASSWORD);
  });

  it('connects through TLS when the certificate is trusted with NODE_EXTRA_CA_CERTS', async function () {
    const script = `
      import { openChannel, closeBrokerConnections } from './src/broker/connection.ts';
      import { wallClockMs } from './src/protocol/deadline.ts';
      const { channel } = await openChannel(process.env.TLS_URL, wallClockMs() + 20000);
      const reply = await channel.checkExchange('amq.fanout');
      console.log(JSON.stringify({ ok: reply !== undefined }));
      await closeBrokerConnections();
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      timeout: 60_000,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: join(TLS_DIR, 'test-broker.crt'),
        TLS_URL: amqpsUrl(terminator.port),
      },
    });
    expect(JSON.parse(stdout)).to.deep.equal({ ok: true });
  });
});
