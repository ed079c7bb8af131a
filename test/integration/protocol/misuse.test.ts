/**
 * Misuse of a run by its own clients, with real processes and the real broker: a leader invoked
 * twice, a run id reused with another key, a leader that starts long after its slaves, a slave retried
 * after the run ended, a leader that refuses its parameters, and a leader that dies before answering.
 */
import { expect } from 'chai';
import { connect } from 'amqplib';

import { runNames } from '../../../src/broker/names.js';
import { decode } from '../../../src/protocol/codec.js';
import { keyFingerprint } from '../../../src/protocol/signing.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { waitForConsumer, waitForMessages } from '../../helpers/broker-faults.js';
import { listRunResources, onlyEndRecord, waitUntilGone } from '../../../src/soak/broker-resources.js';
import { AMQP_URL } from '../../helpers/round.js';
import { startAction } from '../../helpers/run-action.js';

type Result = Record<string, unknown>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newRun(n: number, extra: Record<string, unknown> = {}) {
  const { runId, signingKey } = createRunCredentials();
  const params = { n, runId, amqpUrl: AMQP_URL, signingKey, timeoutMs: 40_000, expiresMs: 20_000, ...extra };
  return { runId, signingKey, params, names: runNames(runId) };
}

function expectAgreement(results: readonly Result[], length: number): number[] {
  const first = results[0]?.list as number[] | undefined;
  expect(first, JSON.stringify(results[0])).to.be.an('array').with.length(length);
  for (const r of results) expect(r.list, JSON.stringify(r)).to.deep.equal(first);
  return first ?? [];
}

/**
 * Listens to the run's log before any party starts (declaring its exchange as the parties do, key
 * mark included); `committed` resolves once the log shows `slave`'s value committed, with that value,
 * and rejects after `timeoutMs`.
 */
async function watchCommitOf(run: ReturnType<typeof newRun>, slave: number, timeoutMs = 60_000) {
  const connection = await connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(run.names.logExchange, 'fanout', {
    durable: false,
    autoDelete: true,
    alternateExchange: run.names.keyMark(keyFingerprint(run.signingKey)),
  });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, run.names.logExchange, '');
  const committed = (async () => {
    try {
      return await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`slave ${slave} was not committed within ${timeoutMs} ms`));
        }, timeoutMs);
        void channel.consume(
          queue,
          (delivery) => {
            if (delivery === null) return;
            const decoded = decode(delivery.content, run.signingKey, run.runId);
            if (!('message' in decoded) || decoded.message.k !== 'log') return;
            const entry = decoded.message.add.find(([id]) => id === slave);
            if (entry === undefined) return;
            clearTimeout(timer);
            resolve(entry[1] as number);
          },
          { noAck: true },
        );
      });
    } finally {
      await connection.close();
    }
  })();
  return { committed };
}

describe('misuse: two leaders, a reused run id, a late leader, a retry after the end', function () {
  this.timeout(120_000);

  it('a second leader of a running run fails at once with LEADER_CONFLICT; the run completes under the first', async () => {
    const run = newRun(3, { history: true });
    const first = startAction('leader', run.params);
    await waitForConsumer(run.names.leaderQueue);
    const second = await startAction('leader', run.params).result;
    expect(second).to.include({ code: 'LEADER_CONFLICT' });
    expect(second.error).to.match(/^leader: another leader already acts for run /);
    const slaves = [0, 1, 2].map((id) => startAction('slave', { ...run.params, id }));
    const [leader, ...results] = await Promise.all([first.result, ...slaves.map((s) => s.result)]);
    expect(Object.keys(leader)).to.deep.equal(['history']);
    expectAgreement(results, 3);
    expect(await listRunResources(run.runId)).to.deep.equal(onlyEndRecord(run.runId));
  });

  it('two leaders invoked together: exactly one acts, every slave returns the same list', async () => {
    const run = newRun(4);
    const leaders = [startAction('leader', run.params), startAction('leader', run.params)];
    const slaves = [0, 1, 2, 3].map((id) => startAction('slave', { ...run.params, id }));
    const [a, b, ...results] = await Promise.all([...leaders, ...slaves].map((p) => p.result));
    const codes = [a, b].map((r) => r?.code).sort();
    expect(codes, JSON.stringify([a, b])).to.deep.equal(['LEADER_CONFLICT', undefined]);
    expectAgreement(results, 4);
  });

  it('a leader invoked again after the run ended does nothing: LEADER_CONFLICT, no topology re-created', async () => {
    const run = newRun(1);
    const [leader, slave] = await Promise.all([
      startAction('leader', run.params).result,
      startAction('slave', { ...run.params, id: 0 }).result,
    ]);
    expect(leader).to.deep.equal({});
    expect(slave.list).to.have.length(1);
    const late = await startAction('leader', run.params).result;
    expect(late).to.include({ code: 'LEADER_CONFLICT' });
    expect(late.error).to.match(/already ended under another leader/);
    expect(await listRunResources(run.runId)).to.deep.equal(onlyEndRecord(run.runId));
  });

  it('a run that reuses a live run id with another key fails fast with RUN_ID_IN_USE and leaves the first alone', async () => {
    const run = newRun(2);
    const intruder = { ...run.params, signingKey: createRunCredentials().signingKey };
    const leader = startAction('leader', run.params);
    const early = startAction('slave', { ...run.params, id: 0 });
    await waitForConsumer(run.names.leaderQueue);
    const [otherLeader, otherSlave] = await Promise.all([
      startAction('leader', intruder).result,
      startAction('slave', { ...intruder, id: 1 }).result,
    ]);
    expect(otherLeader).to.include({ code: 'RUN_ID_IN_USE' });
    expect(otherSlave).to.include({ code: 'RUN_ID_IN_USE' });
    expect(otherLeader.error).to.match(/run id .* is in use by another run/);
    expect(JSON.stringify([otherLeader, otherSlave])).not.to.contain(intruder.signingKey);
    // The first run is undisturbed: its topology is there and it completes.
    const late = startAction('slave', { ...run.params, id: 1 });
    const [leaderResult, ...results] = await Promise.all([leader.result, early.result, late.result]);
    expect(leaderResult).to.deep.equal({});
    expectAgreement(results, 2);
    // After the first run ended, a party of the other run still learns that the id is taken.
    const after = await startAction('slave', { ...intruder, id: 0 }).result;
    expect(after).to.include({ code: 'RUN_ID_IN_USE' });
  });

  it('slaves that start long before the leader keep their requests, whatever the queue expiry', async () => {
    const run = newRun(2, { expiresMs: 1000 });
    const slaves = [0, 1].map((id) => startAction('slave', { ...run.params, id }));
    await waitForMessages(run.names.leaderQueue, 2);
    await sleep(2500); // more than twice the queue expiry with no consumer on the leader's queue
    const leader = startAction('leader', run.params);
    const [leaderResult, ...results] = await Promise.all([leader.result, ...slaves.map((s) => s.result)]);
    expect(leaderResult).to.deep.equal({});
    expectAgreement(results, 2);
  });

  it('a slave retried after its committed value ended the run returns the agreed list at once, creating nothing', async () => {
    const run = newRun(2, { heartbeatMs: 200 });
    const watch = await watchCommitOf(run, 0);
    const leader = startAction('leader', run.params);
    const doomed = startAction('slave', { ...run.params, id: 0 });
    const value = await watch.committed;
    doomed.kill('SIGKILL');
    const killed = await doomed.result.then(
      () => 'returned',
      (error: unknown) => (error as { signal?: string }).signal,
    );
    expect(killed).to.equal('SIGKILL');
    const [leaderResult, other] = await Promise.all([
      leader.result,
      startAction('slave', { ...run.params, id: 1 }).result,
    ]);
    expect(leaderResult).to.deep.equal({});
    const retry = await startAction('slave', { ...run.params, id: 0 }).result;
    expect(retry, JSON.stringify(retry)).to.include({ id: 0, value });
    expect(retry.list).to.deep.equal(other.list);
    expect((retry.list as number[])[retry.position as number]).to.equal(value);
    // The retry read the end record and re-created neither the leader's queue nor the log exchange
    // (the killed slave's inbox is left to its expiry).
    const left = await listRunResources(run.runId);
    expect(left.exchanges).to.deep.equal([]);
    expect(left.queues.filter((q) => !q.includes('.inbox.'))).to.deep.equal([run.names.endRecord]);
    expect(await waitUntilGone(run.runId, 60_000)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('a leader that refuses its parameters makes waiting and later slaves fail with LEADER_FAILED', async () => {
    const run = newRun(3);
    const waiting = [0, 1].map((id) => startAction('slave', { ...run.params, id }));
    await waitForMessages(run.names.leaderQueue, 2);
    const leader = await startAction('leader', { ...run.params, leaseMs: 5 }).result;
    expect(leader).to.include({ code: 'BAD_PARAM' });
    const later = startAction('slave', { ...run.params, id: 2 });
    for (const r of await Promise.all([...waiting, later].map((s) => s.result))) {
      expect(r, JSON.stringify(r)).to.include({ code: 'LEADER_FAILED' });
      expect(r.error).to.match(
        /the leader failed: leader refused to run: leaseMs must be an integer from 10/,
      );
    }
    expect(await waitUntilGone(run.runId, 60_000)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('a leader that dies before answering a slave fails that slave with LEADER_SILENT, not at its deadline', async () => {
    const run = newRun(3, { heartbeatMs: 200 });
    const leader = startAction('leader', run.params);
    const welcomed = [0, 1].map((id) => startAction('slave', { ...run.params, id }));
    await waitForConsumer(run.names.leaderQueue);
    leader.kill('SIGSTOP'); // alive to the broker (its consumer stays), but it answers nobody
    const unanswered = startAction('slave', { ...run.params, id: 2 });
    for (const r of await Promise.all(welcomed.map((s) => s.result))) {
      expect(r).to.include({ code: 'LEADER_SILENT' });
    }
    leader.kill('SIGKILL');
    const r = await unanswered.result;
    expect(r, JSON.stringify(r)).to.include({ code: 'LEADER_SILENT' });
    expect(r.error).to.match(/waiting for the leader to answer the write request/);
    expect(await waitUntilGone(run.runId, 60_000)).to.deep.equal({ queues: [], exchanges: [] });
  });
});
