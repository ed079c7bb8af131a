/**
 * A client ending a run in the place of a leader whose activation failed (`announceLeaderFailure`),
 * with real processes and the real broker: slaves that never heard from a leader fail at once, a live
 * leader and an ended run are left alone.
 */
import { expect } from 'chai';

import { clearEndRecord } from '../../../src/broker/end-record.js';
import { announceLeaderFailure } from '../../../src/broker/failure-end.js';
import { runNames } from '../../../src/broker/names.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { listRunResources, onlyEndRecord } from '../../../src/soak/broker-resources.js';
import { waitForConsumer, waitForMessages } from '../../helpers/broker-faults.js';
import { AMQP_URL } from '../../helpers/round.js';
import { startAction } from '../../helpers/run-action.js';

function newRun(n: number) {
  const { runId, signingKey } = createRunCredentials();
  const params = { n, runId, amqpUrl: AMQP_URL, signingKey, timeoutMs: 40_000, expiresMs: 20_000 };
  const failure = { amqpUrl: AMQP_URL, runId, signingKey, reason: 'its container died', expiresMs: 20_000 };
  return { runId, signingKey, params, failure, names: runNames(runId) };
}

describe('ending a run in the place of a failed leader', function () {
  this.timeout(90_000);

  it('waiting and later slaves fail at once with LEADER_FAILED; only the end record stays', async () => {
    const run = newRun(3);
    const waiting = [0, 1].map((id) => startAction('slave', { ...run.params, id }));
    await waitForMessages(run.names.leaderQueue, 2);
    expect(await announceLeaderFailure(run.failure)).to.equal('announced');
    const later = startAction('slave', { ...run.params, id: 2 });
    for (const r of await Promise.all([...waiting, later].map((s) => s.result))) {
      expect(r, JSON.stringify(r)).to.include({ code: 'LEADER_FAILED' });
      expect(r.error).to.match(/the leader failed: its container died/);
    }
    expect(await listRunResources(run.runId)).to.deep.equal(onlyEndRecord(run.runId));
    // Said once: a second announce finds the record and leaves it as it is.
    expect(await announceLeaderFailure(run.failure)).to.equal('ended');
    await clearEndRecord(AMQP_URL, run.runId);
  });

  it('leaves a live leader alone: the announce is refused and the run completes', async () => {
    const run = newRun(2);
    const leader = startAction('leader', run.params);
    await waitForConsumer(run.names.leaderQueue);
    expect(await announceLeaderFailure(run.failure)).to.equal('leader-alive');
    const slaves = [0, 1].map((id) => startAction('slave', { ...run.params, id }));
    const [leaderResult, ...results] = await Promise.all([leader.result, ...slaves.map((s) => s.result)]);
    expect(leaderResult).to.deep.equal({});
    for (const r of results) {
      expect(r.list, JSON.stringify(r)).to.have.length(2);
      expect(r.list).to.deep.equal(results[0]?.list);
    }
    expect(await listRunResources(run.runId)).to.deep.equal(onlyEndRecord(run.runId));
    await clearEndRecord(AMQP_URL, run.runId);
  });

  it('leaves an ended run alone: its record still gives a late slave the agreed list', async () => {
    const run = newRun(1);
    const [leader, slave] = await Promise.all([
      startAction('leader', run.params).result,
      startAction('slave', { ...run.params, id: 0 }).result,
    ]);
    expect(leader).to.deep.equal({});
    expect(await announceLeaderFailure(run.failure)).to.equal('ended');
    expect(await listRunResources(run.runId)).to.deep.equal(onlyEndRecord(run.runId));
    const late = await startAction('slave', { ...run.params, id: 0 }).result;
    expect(late.list, JSON.stringify(late)).to.deep.equal(slave.list);
    await clearEndRecord(AMQP_URL, run.runId);
  });
});
