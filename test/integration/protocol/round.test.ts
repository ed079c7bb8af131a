import { expect } from 'chai';
import { checkHistory } from '../../../src/history/checker.js';
import { closeBrokerConnections } from '../../../src/broker/connection.js';
import { listRunResources, onlyEndRecord } from '../../../src/soak/broker-resources.js';
import { runRound, type RoundResult } from '../../helpers/round.js';

/** Every slave returned the same list, one value per slave in 0..1000, and the history passes the checker. */
function expectAgreedRun(r: RoundResult, n: number): void {
  // A complete run: the leader returns nothing but the history that was asked for.
  expect(r.leader).not.to.be.instanceOf(Error);
  expect(Object.keys(r.leader), JSON.stringify(r.leader).slice(0, 300)).to.deep.equal(['history']);
  const lists = r.slaves.map((s, id) => {
    expect(s, `slave ${id}: ${JSON.stringify(s).slice(0, 300)}`).not.to.be.instanceOf(Error);
    expect(s).to.include({ id, dropped: 0 });
    expect((s as { missing: number[] }).missing).to.deep.equal([]);
    return (s as { list: number[] }).list;
  });
  const first = lists[0]!;
  expect(first).to.have.length(n);
  for (const list of lists) expect(list).to.deep.equal(first);
  for (const value of first) expect(value).to.be.a('number').and.within(0, 1000);
  // Each slave's own value sits at its reported position: one value per slave.
  r.slaves.forEach((s) => {
    const { value, position } = s as { value: number; position: number };
    expect(first[position]).to.equal(value);
  });
  expect(new Set(r.slaves.map((s) => (s as { position: number }).position)).size).to.equal(n);
  const report = checkHistory(r.history, { runId: r.runId });
  const failures = report.runs.flatMap((run) =>
    run.properties.flatMap((p) => p.violations.map((v) => v.message)),
  );
  expect(failures).to.deep.equal([]);
  expect(report.runs[0]?.summary.commits).to.equal(n);
}

/**
 * Fanout route: a slave's inbox is bound before it records its request, and an append is recorded
 * before it is published, so every other slave's append recorded after this slave's request reaches
 * its inbox. A slave stops counting at the leader's `end`, though, and the last append and the `end`
 * come from different channels, which RabbitMQ does not order against each other in a third queue:
 * the last append may arrive after the `end`.
 */
function expectAppendsFannedOut(r: RoundResult): void {
  const appends = r.history.filter((e) => e.type === 'append');
  r.slaves.forEach((s, id) => {
    const request = r.history.find((e) => e.type === 'request' && e.slave === id);
    expect(request, `slave ${id} request`).not.to.equal(undefined);
    const after = appends.filter((e) => e.slave !== id && e.t > request!.t).length;
    const seen = (s as { appendsSeen: number }).appendsSeen;
    expect(seen, `slave ${id} saw the appends published after it asked, but maybe the last`).to.be.at.least(
      after - 1,
    );
    expect(seen).to.be.at.most(r.slaves.length - 1);
  });
  expect(r.slaves.some((s) => (s as { appendsSeen: number }).appendsSeen > 0)).to.equal(true);
}

describe('leader and slaves in separate processes over RabbitMQ', function () {
  this.timeout(90_000);
  after(closeBrokerConnections);

  it('n = 1', async () => {
    const r = await runRound({ n: 1 });
    expectAgreedRun(r, 1);
    expect(await listRunResources(r.runId)).to.deep.equal(onlyEndRecord(r.runId));
  });

  it('n = 2, slaves started 1.5 s before the leader', async () => {
    const r = await runRound({ n: 2, leaderDelayMs: 1500 });
    expectAgreedRun(r, 2);
    // The requests waited in the leader's queue: both slaves asked before the leader existed.
    const firstGrant = r.history.find((e) => e.type === 'grant')!.t;
    const requests = r.history.filter((e) => e.type === 'request').map((e) => e.t);
    for (const t of requests) expect(t).to.be.below(firstGrant);
    expect(await listRunResources(r.runId)).to.deep.equal(onlyEndRecord(r.runId));
  });

  it('n = 10, one process per slave, random start delays around the leader', async () => {
    const delays = Array.from({ length: 10 }, () => Math.floor(Math.random() * 3000));
    const r = await runRound({ n: 10, leaderDelayMs: 1000, slaveDelayMs: (i) => delays[i] ?? 0 });
    expectAgreedRun(r, 10);
    expectAppendsFannedOut(r);
    expect(await listRunResources(r.runId)).to.deep.equal(onlyEndRecord(r.runId));
  });

  it("n = 10 on the 'leader' append route: appends reach the leader only", async () => {
    const r = await runRound({ n: 10, slavesPerProcess: 5, params: { appendRoute: 'leader' } });
    expectAgreedRun(r, 10);
    for (const s of r.slaves) expect(s).to.include({ appendsSeen: 0 });
    expect(await listRunResources(r.runId)).to.deep.equal(onlyEndRecord(r.runId));
  });

  it('n = 50, ten slaves per process, staggered starts: late slaves catch up', async () => {
    const r = await runRound({ n: 50, slavesPerProcess: 10, slaveDelayMs: (i) => i * 700 });
    expectAgreedRun(r, 50);
    expectAppendsFannedOut(r);
    // Grants overlapped with later starts: some slave was granted before the last one asked.
    const lastRequest = Math.max(...r.history.filter((e) => e.type === 'request').map((e) => e.t));
    expect(r.history.some((e) => e.type === 'grant' && e.t < lastRequest)).to.equal(true);
    expect(await listRunResources(r.runId)).to.deep.equal(onlyEndRecord(r.runId));
  });
});
