import { expect } from 'chai';
import { LeaderMachine } from '../../../src/protocol/leader-machine.js';
import type { FromLeader, Send } from '../../../src/protocol/messages.js';

const run = 'run1';
const epoch = 'e1';

/** A leader whose random pick is scripted: `picks` lists the indexes it returns, then 0. */
function leader(n: number, picks: number[] = [], endBy = 100_000) {
  const asked: number[] = [];
  const machine = new LeaderMachine(
    { runId: run, n, epoch, leaseMs: 1000, heartbeatMs: 500, endBy },
    (bound) => {
      asked.push(bound);
      return picks.shift() ?? 0;
    },
  );
  return { machine, asked };
}

const request = (slave: number, nonce = `n${slave}`) => ({ k: 'request', run, no: 0, slave, nonce }) as const;
const append = (slave: number, seq: number, value: number, nonce = `n${slave}`) =>
  ({ k: 'append', run, no: 1, slave, nonce, seq, token: `${epoch}.${seq}`, value }) as const;
const abandon = (slave: number, nonce = 'c1') => ({ k: 'abandon', run, no: 0, slave, nonce }) as const;

const kinds = (sends: Send[]) => sends.map((s) => s.message.k);
const of = <K extends FromLeader['k']>(sends: Send[], k: K) =>
  sends.map((s) => s.message).filter((m): m is Extract<FromLeader, { k: K }> => m.k === k);

describe('LeaderMachine', () => {
  it('welcomes a request and grants at once, without waiting for the other slaves', () => {
    const { machine } = leader(3);
    expect(kinds(machine.start(0))).to.deep.equal(['log']);
    const out = machine.receive(request(1), 10);
    expect(kinds(out)).to.deep.equal(['welcome', 'grant']);
    expect(out[1]?.target).to.deep.equal({ to: 'slave', slave: 1, nonce: 'n1' });
    expect(of(out, 'grant')[0]).to.include({ seq: 0, token: 'e1.0', leaseMs: 1000 });
  });

  it('grants one slave at a time: the next grant follows the commit', () => {
    const { machine } = leader(3);
    machine.start(0);
    machine.receive(request(0), 1);
    expect(kinds(machine.receive(request(1), 2))).to.deep.equal(['welcome']);
    expect(kinds(machine.receive(request(2), 3))).to.deep.equal(['welcome']);
    const next = machine.receive(append(0, 0, 42), 4);
    expect(of(next, 'grant')).to.have.length(1);
    expect(machine.history.filter((e) => e.type === 'commit')).to.have.length(1);
  });

  it('picks uniformly among all pending requests', () => {
    const { machine, asked } = leader(4, [0, 2]);
    machine.start(0);
    machine.receive(request(0), 1); // granted at once: the only one pending (bound 1)
    machine.receive(request(1), 2);
    machine.receive(request(2), 3);
    machine.receive(request(3), 4);
    const out = machine.receive(append(0, 0, 5), 5);
    expect(asked).to.deep.equal([1, 3]);
    expect(of(out, 'grant')[0]?.slave).to.equal(3); // pending [1, 2, 3], index 2
  });

  it('ignores an append whose token is not the current grant, and counts it', () => {
    const { machine } = leader(2);
    machine.start(0);
    machine.receive(request(0), 1);
    machine.receive(request(1), 2);
    expect(machine.receive(append(1, 0, 7), 3)).to.deep.equal([]); // slave 1 does not hold seq 0
    expect(machine.receive({ ...append(0, 0, 7), token: 'other.0' }, 4)).to.deep.equal([]);
    expect(machine.receive(append(0, 0, 7, 'stale-nonce'), 5)).to.deep.equal([]);
    expect(machine.dropped).to.equal(3);
    expect(machine.history.filter((e) => e.type === 'commit')).to.deep.equal([]);
  });

  it('drops a duplicated request and a redelivered append', () => {
    const { machine } = leader(2);
    machine.start(0);
    machine.receive(request(0), 1);
    expect(machine.receive(request(0), 2)).to.deep.equal([]);
    machine.receive(append(0, 0, 1), 3);
    machine.receive(append(0, 0, 1), 4);
    expect(machine.dropped).to.equal(2);
    expect(machine.history.filter((e) => e.type === 'commit')).to.have.length(1);
  });

  it('revokes on lease expiry, grants the next, and fences the late append', () => {
    const { machine } = leader(2);
    machine.start(0);
    machine.receive(request(0), 0);
    machine.receive(request(1), 0);
    expect(machine.wakeAt).to.equal(500); // heartbeat before the lease end at 1000
    machine.tick(500);
    expect(machine.wakeAt).to.equal(1000);
    const out = machine.tick(1000);
    // The heartbeat falls due at the same time: every reader learns of the revocation from it.
    expect(kinds(out)).to.deep.equal(['revoke', 'grant', 'log']);
    expect(of(out, 'log')[0]?.rev).to.deep.equal([[0, 0]]);
    expect(out[0]?.target).to.deep.equal({ to: 'slave', slave: 0, nonce: 'n0' });
    expect(of(out, 'grant')[0]).to.include({ slave: 1, seq: 1 });
    machine.receive(append(0, 0, 9), 1001); // the zombie's append
    expect(machine.history.filter((e) => e.type === 'commit')).to.deep.equal([]);
    expect(machine.dropped).to.equal(1);
  });

  it('grants a revoked slave again when it registers again', () => {
    const { machine } = leader(1);
    machine.start(0);
    machine.receive(request(0, 'first'), 0);
    machine.tick(1000);
    const out = machine.receive(request(0, 'second'), 1100);
    expect(of(out, 'grant')[0]).to.include({ slave: 0, seq: 1, nonce: 'second' });
    const end = machine.receive(append(0, 1, 77, 'second'), 1200);
    expect(of(end, 'end')[0]).to.include({ count: 1 });
    expect(machine.outcome?.complete).to.equal(true);
  });

  it('sends a late slave the committed entries so far (catch-up)', () => {
    const { machine } = leader(3);
    machine.start(0);
    machine.receive(request(0), 1);
    machine.receive(append(0, 0, 10), 2);
    machine.receive(request(1), 3);
    machine.receive(append(1, 1, 11), 4);
    const welcome = of(machine.receive(request(2), 5), 'welcome')[0];
    expect(welcome?.add).to.deep.equal([
      [0, 10],
      [1, 11],
    ]);
    // The grant seq of each entry, so the slave can match commits to the appends it saw.
    expect(welcome?.seqs).to.deep.equal([0, 1]);
    expect(welcome?.route).to.equal('fanout');
  });

  it("sends a slave's welcome, grant and revoke to the shared inbox its request names", () => {
    const { machine } = leader(2, [], 100_000);
    machine.start(0);
    const out = machine.receive({ ...request(0), box: 'b0x1' }, 1);
    const shared = { to: 'slave', slave: 0, nonce: 'n0', box: 'b0x1' };
    expect(out.map((s) => s.target)).to.deep.equal([shared, shared]);
    const expired = machine.tick(1002);
    expect(expired.find((s) => s.message.k === 'revoke')?.target).to.deep.equal(shared);
  });

  it('tells each slave the append route it was configured with', () => {
    const machine = new LeaderMachine(
      { runId: run, n: 1, epoch, leaseMs: 100, heartbeatMs: 100, endBy: 1e6, appendRoute: 'leader' },
      () => 0,
    );
    machine.start(0);
    expect(of(machine.receive(request(0), 1), 'welcome')[0]?.route).to.equal('leader');
  });

  it('ends when every slave is committed or abandoned, reporting who is missing', () => {
    const { machine } = leader(3);
    machine.start(0);
    machine.receive(request(0), 1);
    machine.receive(abandon(0), 2); // holder abandoned: revoked
    machine.receive(abandon(1, 'c2'), 3); // never registered
    machine.receive(request(2), 4);
    const out = machine.receive(append(2, 1, 5), 5);
    const end = of(out, 'end')[0];
    expect(end).to.include({ count: 1 });
    expect(end?.missing).to.deep.equal([0, 1]);
    expect(machine.outcome?.complete).to.equal(false);
    expect(machine.outcome?.missing.map((m) => m.slave)).to.deep.equal([0, 1]);
  });

  it('counts each slave once toward the end: an abandon after its commit does not end the run early', () => {
    const { machine } = leader(3);
    machine.start(0);
    machine.receive(request(0), 1);
    machine.receive(append(0, 0, 7), 2);
    machine.receive(abandon(0, 'late'), 3); // already committed: changes nothing
    machine.receive(abandon(1, 'c2'), 4);
    machine.receive(append(0, 0, 7), 5); // a duplicate delivery of the committed append
    expect(machine.outcome).to.equal(undefined);
    machine.receive(request(2), 6);
    const out = machine.receive(append(2, 1, 9), 7);
    expect(of(out, 'end')[0]).to.deep.include({ count: 2, missing: [1] });
  });

  it('answers an append with the next grant alone: nothing is published before it', () => {
    const { machine } = leader(3);
    machine.start(0);
    machine.receive(request(0), 1);
    machine.receive(request(1), 2);
    machine.receive(request(2), 3);
    // Past the heartbeat: still no log batch on the handoff's path (the next tick sends it).
    const out = machine.receive(append(0, 0, 1), 600);
    expect(kinds(out)).to.deep.equal(['grant']);
    expect(of(out, 'grant')[0]).to.deep.include({ at: 0, add: [[0, 1]], seqs: [0] });
    expect(kinds(machine.tick(600))).to.deep.equal(['log']);
  });

  it('ends at its deadline with what was committed, revoking the holder', () => {
    const { machine } = leader(2, [], 3000);
    machine.start(0);
    machine.receive(request(0), 1);
    machine.receive(append(0, 0, 3), 2);
    machine.receive(request(1), 3);
    const out = machine.tick(3000);
    expect(kinds(out)).to.deep.equal(['revoke', 'end']);
    expect(of(out, 'end')[0]).to.deep.include({ count: 1, missing: [1], add: [[0, 3]] });
    expect(machine.receive(request(1, 'later'), 3001)).to.deep.equal([]);
    expect(machine.wakeAt).to.equal(undefined);
  });

  it('numbers every message on its one channel in publish order', () => {
    const { machine } = leader(2);
    const all = [...machine.start(0), ...machine.receive(request(0), 1), ...machine.receive(request(1), 2)];
    all.push(...machine.receive(append(0, 0, 1), 3), ...machine.tick(500));
    expect(all.map((s) => s.message.no)).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });

  it('drops requests from unknown slaves and messages only a leader sends', () => {
    const { machine } = leader(2);
    machine.start(0);
    machine.receive(request(5), 1);
    machine.receive({ k: 'log', run, epoch: 'other', no: 9, at: 0, add: [], rev: [] }, 2);
    machine.receive({ k: 'log', run, epoch, no: 0, at: 0, add: [], rev: [] }, 3); // its own echo
    expect(machine.dropped).to.equal(2);
  });

  it('seals the end with the whole list for the end record, numbered after the live end', () => {
    const { machine } = leader(2);
    expect(of(machine.start(0), 'log')[0]).to.include({ beat: 500 });
    machine.receive(request(0), 1);
    machine.receive(append(0, 0, 7), 2);
    machine.tick(600); // broadcasts the first entry
    machine.receive(request(1), 700);
    const out = machine.receive(append(1, 1, 9), 800);
    const live = of(out, 'end')[0];
    expect(live).to.include({ at: 1, count: 2 });
    expect(machine.sealedEnd).to.include({ k: 'end', at: 0, count: 2, digest: live?.digest });
    expect(machine.sealedEnd?.add).to.deep.equal([
      [0, 7],
      [1, 9],
    ]);
    expect(machine.sealedEnd?.no).to.be.above(live?.no ?? Infinity);
  });
});
