/** Requests to an API host that cannot answer, through the real openwhisk SDK over loopback sockets. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { InvocationError } from '../../../src/executor/errors.js';
import { FunctionExecutor } from '../../../src/executor/executor.js';
import { expectRejection } from '../../unit/executor/expect-rejection.js';

const KEY = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:network-key-never-shown';

describe('FunctionExecutor against an unreachable API host (openwhisk SDK, real sockets)', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    // A plain-HTTP server: what a local OpenWhisk on port 3233 is.
    server = createServer((_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const invoke = async (apihost: string): Promise<InvocationError> => {
    const executor = new FunctionExecutor({ apihost, apiKey: KEY, invokeTimeoutMs: 10_000 });
    try {
      const error = await expectRejection(executor.callAsync('p/a'), InvocationError);
      expect(error.reason).to.equal('NETWORK');
      expect(error.message).not.to.contain('network-key-never-shown');
      return error;
    } finally {
      await executor.close();
    }
  };

  it('says what was tried and to start the server when the port is closed', async () => {
    const error = await invoke('http://127.0.0.1:1');
    expect(error.message).to.equal(
      'invoking p/a failed: nothing is listening at http://127.0.0.1:1 (ECONNREFUSED): start the ' +
        'OpenWhisk server, or set the right address in --apihost, __OW_API_HOST or APIHOST in ~/.wskprops',
    );
  });

  it('says to add http:// when a host without a scheme speaks plain HTTP', async () => {
    const error = await invoke(`127.0.0.1:${port}`);
    expect(error.message).to.equal(
      `invoking p/a failed: https://127.0.0.1:${port} answered without TLS (https:// is assumed when the ` +
        `host has no scheme): for a server that speaks plain HTTP, write http://127.0.0.1:${port}`,
    );
  });
});
