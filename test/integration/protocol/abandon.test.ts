import { expect } from 'chai';
import { abandonSlave } from '../../../src/broker/abandon.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { runNames } from '../../../src/broker/names.js';
import { waitForConsumer } from '../../helpers/broker-faults.js';
import { clearEndRecord } from '../../../src/broker/end-record.js';
import { listRunResources, onlyEndRecord } from '../../../src/soak/broker-resources.js';
import { AMQP_URL } from '../../helpers/round.js';
import { startAction } from '../../helpers/run-action.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';

function newRun(n: number) {
  const { runId, signingKey } = createRunCredentials();
  // Long enough that nothing of the run expires on a busy machine before the test looks at it.
  const params = { n, runId, amqpUrl: AMQP_URL, signingKey, timeoutMs: 40_000, expiresMs: 60_000 };
  return { runId, signingKey, params, names: runNames(runId) };
}

describe('abandoning slaves', function () {
  this.timeout(90_000);

  it('creates nothing on the broker once the run is over', async () => {
    const run = newRun(1);
    const leader = startAction('leader', run.params);
    const slave = startAction('slave', { ...run.params, id: 0 });
    const [leaderResult, slaveResult] = await Promise.all([leader.result, slave.result]);
    expect(leaderResult).not.to.have.property('error');
    expect(slaveResult.list).to.have.length(1);
    // What stays is the run's end record alone, for parties that start late (the client deletes it).
    expect(await listRunResources(run.runId), 'the run cleaned up').to.deep.equal(onlyEndRecord(run.runId));
    // A client that learns late that slave 0 failed must not bring the run's queue and exchange back.
    await abandonSlave({ amqpUrl: AMQP_URL, runId: run.runId, signingKey: run.signingKey, slave: 0 });
    expect(await listRunResources(run.runId)).to.deep.equal(onlyEndRecord(run.runId));
    await clearEndRecord(AMQP_URL, run.runId);
    expect(await listRunResources(run.runId), 'the client deleted the end record').to.deep.equal({
      queues: [],
      exchanges: [],
    });
  });

  it('tells the leader of many slaves at once over one connection', async () => {
    const run = newRun(3);
    const proxy = await startTcpProxy();
    try {
      const leader = startAction('leader', run.params);
      await waitForConsumer(run.names.leaderQueue);
      const access = { amqpUrl: proxy.url, runId: run.runId, signingKey: run.signingKey };
      await Promise.all([0, 1, 2].map((slave) => abandonSlave({ ...access, slave })));
      const result = await leader.result;
      expect(result).to.include({ code: 'INCOMPLETE' });
      expect(result.missing).to.deep.equal([0, 1, 2]);
      expect(proxy.accepted, 'connections opened for the three abandons').to.equal(1);
    } finally {
      await proxy.close();
    }
  });
});
