import { expect } from 'chai';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { runNames } from '../../../src/broker/names.js';
import { waitForConsumer, waitForMessages } from '../../helpers/broker-faults.js';
import { waitUntilGone } from '../../../src/soak/broker-resources.js';
import { startAction, type Role } from '../../helpers/run-action.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

/** The action's time limit: long enough for a loaded machine to start tsx, short for the test. */
const LIMIT_MS = 8000;

/**
 * Starts an action the way the platform does: `__OW_DEADLINE` set at start, the process killed
 * (SIGKILL) when it passes. Its `result` rejects when the action did not return in time.
 */
function startWithDeadline(role: Role, params: object) {
  return startAction(role, params, {
    env: { __OW_DEADLINE: String(Date.now() + LIMIT_MS) },
    killAfterMs: LIMIT_MS,
  });
}

describe('every wait ends by the deadline, even when the broker stops answering', function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  beforeEach(async () => {
    proxy = await startTcpProxy();
  });
  afterEach(async () => {
    await proxy.close();
  });

  function newRun(n: number) {
    const { runId, signingKey } = createRunCredentials();
    const params = { n, runId, amqpUrl: proxy.url, signingKey, expiresMs: 2000, heartbeatMs: 200 };
    return { runId, params, names: runNames(runId) };
  }

  it('a leader whose end is never confirmed returns its own error before the platform kills it', async () => {
    const run = newRun(2); // no slave comes: the leader ends incomplete at its deadline
    const leader = startWithDeadline('leader', run.params);
    await waitForConsumer(run.names.leaderQueue);
    proxy.pause(); // from here on no confirm, reply or delivery reaches the leader
    const result = await leader.result;
    expect(result).to.include({ code: 'BROKER' });
    expect(result.error).to.match(/did not confirm/);
    await proxy.close();
    expect(await waitUntilGone(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('a slave cut off from the broker returns its own error before the platform kills it', async () => {
    const run = newRun(1); // no leader comes
    const slave = startWithDeadline('slave', { ...run.params, id: 0 });
    await waitForMessages(run.names.leaderQueue, 1); // its request: the inbox is bound and consumed
    proxy.pause();
    const result = await slave.result;
    // Its own verdict: it gave up on the leader, or on the confirm of its request.
    expect(['TIMEOUT', 'BROKER']).to.include(result.code);
    await proxy.close();
    expect(await waitUntilGone(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });
});
