import { expect } from 'chai';
import { abandonSlave } from '../../../src/broker/abandon.js';
import { runNames } from '../../../src/broker/names.js';
import { checkHistory } from '../../../src/history/checker.js';
import type { HistoryEvent } from '../../../src/history/event.js';
import { encode } from '../../../src/protocol/codec.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { sign } from '../../../src/protocol/signing.js';
import { closeConnectionsOf } from '../../../src/soak/connections.js';
import { inject, waitForConsumer, waitForMessages } from '../../helpers/broker-faults.js';
import { listRunResources, waitUntilGone } from '../../../src/soak/broker-resources.js';
import { AMQP_URL } from '../../helpers/round.js';
import { startAction } from '../../helpers/run-action.js';

type Result = Record<string, unknown>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh run: credentials and parameters shared by its actions (short expiry so leftovers vanish fast). */
function newRun(n: number, extra: Record<string, unknown> = {}) {
  const { runId, signingKey } = createRunCredentials();
  const params = {
    n,
    runId,
    amqpUrl: AMQP_URL,
    signingKey,
    history: true,
    timeoutMs: 40_000,
    expiresMs: 3000,
    ...extra,
  };
  return { runId, signingKey, params, names: runNames(runId) };
}

const historyOf = (...results: Result[]) =>
  results.flatMap((r) => (r.history as HistoryEvent[] | undefined) ?? []);

function expectCheckerPasses(history: HistoryEvent[], runId: string): void {
  const report = checkHistory(history, { runId });
  const failures = report.runs.flatMap((r) =>
    r.properties.flatMap((p) => p.violations.map((v) => v.message)),
  );
  expect(failures).to.deep.equal([]);
}

describe('faults: dead, paused and disconnected parties, forged messages', function () {
  this.timeout(90_000);

  it('fences a zombie holder: paused past its lease, its late append enters no list; its retry completes the run', async () => {
    const run = newRun(3, { leaseMs: 800, heartbeatMs: 200 });
    // Slave 0 asks first and alone, so the leader grants it as soon as it starts; then it freezes.
    const zombie = startAction('slave', { ...run.params, id: 0 });
    await waitForMessages(run.names.leaderQueue, 1);
    zombie.kill('SIGSTOP');
    const leader = startAction('leader', run.params);
    await waitForConsumer(run.names.leaderQueue);
    await sleep(3000); // well past the 800 ms lease: the leader has revoked seq 0
    const others = [1, 2].map((id) => startAction('slave', { ...run.params, id }));
    zombie.kill('SIGCONT');
    const zombieResult = await zombie.result;
    expect(zombieResult).to.include({ code: 'REVOKED' });
    // The client retries the failed slave with the same id; the run then completes.
    const retry = startAction('slave', { ...run.params, id: 0 });
    const [leaderResult, retryResult, ...rest] = await Promise.all([
      leader.result,
      retry.result,
      ...others.map((p) => p.result),
    ]);
    expect(Object.keys(leaderResult)).to.deep.equal(['history']);
    const lists = [retryResult, ...rest].map((r) => r.list as number[]);
    expect(lists[0]).to.have.length(3);
    for (const list of lists) expect(list).to.deep.equal(lists[0]);
    const history = historyOf(leaderResult, zombieResult, retryResult, ...rest);
    // The zombie's value is fenced: at the source (it learns of the revocation before its callback
    // answers, and publishes nothing) or, if it did publish under the revoked token, by the leader.
    const revoked = history.find((e) => e.type === 'revoke' && e.slave === 0) as {
      seq: number;
      token: string;
    };
    const late = history.some((e) => e.type === 'append' && e.slave === 0 && e.seq === revoked.seq);
    const leaderDropped = history.some(
      (e) => e.type === 'drop' && e.actor === 'leader' && /stale append/.test(e.reason),
    );
    expect(late).to.equal(leaderDropped);
    expect(history.some((e) => e.type === 'commit' && e.token === revoked.token)).to.be.false;
    expectCheckerPasses(history, run.runId);
    expect(await waitUntilGone(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('survives a holder killed mid-grant: the others agree without it once the client abandons it', async () => {
    const run = newRun(3, { leaseMs: 800, heartbeatMs: 200 });
    const victim = startAction('slave', { ...run.params, id: 0 });
    await waitForMessages(run.names.leaderQueue, 1);
    victim.kill('SIGSTOP');
    const leader = startAction('leader', run.params);
    await waitForConsumer(run.names.leaderQueue);
    victim.kill('SIGKILL'); // dies holding the grant
    const victimEnd = await victim.result.then(
      () => 'returned',
      (error: unknown) => (error as { signal?: string }).signal,
    );
    expect(victimEnd).to.equal('SIGKILL');
    const others = [1, 2].map((id) => startAction('slave', { ...run.params, id }));
    await abandonSlave({
      amqpUrl: AMQP_URL,
      runId: run.runId,
      signingKey: run.signingKey,
      slave: 0,
    });
    const [leaderResult, ...rest] = await Promise.all([leader.result, ...others.map((p) => p.result)]);
    expect(leaderResult).to.include({ code: 'INCOMPLETE' });
    expect(leaderResult.missing).to.deep.equal([0]);
    expect(leaderResult.error).to.match(/missing slaves: 0 \(/);
    for (const r of rest) {
      expect(r.list).to.have.length(2);
      expect(r.missing).to.deep.equal([0]);
    }
    expect(rest[0]?.list).to.deep.equal(rest[1]?.list);
    expectCheckerPasses(historyOf(leaderResult, ...rest), run.runId);
    // The dead slave's inbox is removed by the broker once it expires.
    expect(await waitUntilGone(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('creates nothing when the client abandons a slave before any party started; the run still ends without it', async () => {
    // Abandoning never declares: before the leader's queue exists there is no one to tell, and after
    // the run it would bring the queue back. The leader then waits for that slave until its deadline.
    const run = newRun(3, { heartbeatMs: 200, timeoutMs: 15_000 });
    const early = await abandonSlave({
      amqpUrl: AMQP_URL,
      runId: run.runId,
      signingKey: run.signingKey,
      slave: 2,
    });
    expect(early).to.deep.equal({ delivered: false });
    expect(await listRunResources(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
    const leader = startAction('leader', run.params);
    const slaves = [0, 1].map((id) => startAction('slave', { ...run.params, id }));
    const [leaderResult, ...rest] = await Promise.all([leader.result, ...slaves.map((p) => p.result)]);
    expect(leaderResult).to.include({ code: 'INCOMPLETE' });
    expect(leaderResult.missing).to.deep.equal([2]);
    for (const r of rest) {
      expect(r.list).to.have.length(2);
      expect(r.missing).to.deep.equal([2]);
    }
    expect(rest[0]?.list).to.deep.equal(rest[1]?.list);
    expectCheckerPasses(historyOf(leaderResult, ...rest), run.runId);
  });

  it('makes slaves fail clearly when the leader dies, long before their own deadline', async () => {
    const run = newRun(3, { heartbeatMs: 200 });
    const leader = startAction('leader', run.params);
    const slaves = [0, 1].map((id) => startAction('slave', { ...run.params, id })); // slave 2 never comes
    await waitForConsumer(run.names.leaderQueue);
    await sleep(1500);
    leader.kill('SIGKILL');
    const results = await Promise.all(slaves.map((p) => p.result));
    for (const r of results) {
      expect(r).to.include({ code: 'LEADER_SILENT' });
      expect(r.error).to.match(/the leader went silent for \d+ ms waiting for the leader to end the run/);
    }
    // The leader's history died with it, so there is no full history to check; no list was returned.
    for (const r of results) expect(r).not.to.have.property('list');
    expect(await waitUntilGone(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('fails clearly, without hanging, when the broker closes a slave connection mid-run', async () => {
    const run = newRun(2);
    const leader = startAction('leader', run.params);
    const slave = startAction('slave', { ...run.params, id: 0 }); // slave 1 never comes: the run stays open
    await waitForConsumer(run.names.leaderQueue);
    let inbox: string | undefined;
    while (inbox === undefined)
      inbox = (await listRunResources(run.runId)).queues.find((q) => q.includes('.inbox.'));
    await waitForConsumer(inbox);
    expect(await closeConnectionsOf(slave.pid)).to.equal(1);
    const result = await slave.result;
    expect(result).to.include({ code: 'BROKER' });
    expect(result.error).to.match(
      /^slave 0: lost the broker connection: .*\(waiting for the leader to end the run/,
    );
    expect(result.error).not.to.contain('guest:guest');
    await abandonSlave({
      amqpUrl: AMQP_URL,
      runId: run.runId,
      signingKey: run.signingKey,
      slave: 1,
    });
    const leaderResult = await leader.result;
    expect(leaderResult).to.include({ code: 'INCOMPLETE' });
    expect(await waitUntilGone(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('drops and counts forged, malformed, foreign and replayed messages injected into a live run', async () => {
    const run = newRun(2);
    const leader = startAction('leader', run.params);
    const first = startAction('slave', { ...run.params, id: 0 });
    await waitForConsumer(run.names.leaderQueue);
    const request = { k: 'request', run: run.runId, no: 0, slave: 1, nonce: 'intruder' } as const;
    const signedBody = (body: string) => Buffer.from(`${sign(body, run.signingKey)}.${body}`);
    await inject({ queue: run.names.leaderQueue }, [
      Buffer.from(JSON.stringify(request)), // unsigned
      encode(request, 'a-guessed-key-that-is-wrong'), // mis-signed
      signedBody('{"k":"request",'), // malformed JSON
      encode({ ...request, run: 'another-run' }, run.signingKey), // another run, same key
    ]);
    // A stale leader message, as a replay would be: every slave has seen newer numbers by now.
    const stale = {
      k: 'log',
      run: run.runId,
      epoch: 'abcdef',
      no: 0,
      at: 0,
      add: [[1, 999]],
      rev: [],
    } as const;
    let inbox: string | undefined;
    while (inbox === undefined)
      inbox = (await listRunResources(run.runId)).queues.find((q) => q.includes('.inbox.'));
    await waitForConsumer(inbox);
    await inject({ exchange: run.names.logExchange }, [
      encode(stale, run.signingKey),
      Buffer.from('garbage'),
    ]);
    const second = startAction('slave', { ...run.params, id: 1 });
    const [leaderResult, a, b] = await Promise.all([leader.result, first.result, second.result]);
    expect(Object.keys(leaderResult)).to.deep.equal(['history']);
    expect(a.list).to.deep.equal(b.list);
    expect(a.list).to.have.length(2);
    expect(a.dropped).to.equal(2); // the stale log and the garbage, both reached slave 0's inbox
    const leaderDrops = historyOf(leaderResult).filter((e) => e.type === 'drop');
    const reasons = leaderDrops.map((e) => (e as { reason: string }).reason);
    for (const reason of ['unsigned', 'bad signature', 'malformed JSON', 'foreign run'])
      expect(reasons).to.include(reason);
    // The key never shows up in anything a party returned.
    expect(JSON.stringify([leaderResult, a, b])).not.to.contain(run.signingKey);
    expectCheckerPasses(historyOf(leaderResult, a, b), run.runId);
    expect(await waitUntilGone(run.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });
});
