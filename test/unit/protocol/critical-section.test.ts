import { expect } from 'chai';
import { decode, encode } from '../../../src/protocol/codec.js';
import { LeaderMachine } from '../../../src/protocol/leader-machine.js';
import type { FromLeader, Message, Send } from '../../../src/protocol/messages.js';
import { SlaveMachine } from '../../../src/protocol/slave-machine.js';

const run = 'run1';
const epoch = 'e1';
const key = 'k'.repeat(32);

function leader(n: number, options: { leaseMs?: number; maxHoldMs?: number } = {}) {
  return new LeaderMachine(
    { runId: run, n, epoch, leaseMs: options.leaseMs ?? 1000, heartbeatMs: 500, endBy: 100_000, ...options },
    () => 0,
  );
}

const slave = (id: number) => new SlaveMachine({ runId: run, id, nonce: `n${id}`, giveUpAt: 100_000 });

const of = <K extends Message['k']>(sends: readonly Send[], k: K) =>
  sends.map((s) => s.message).filter((m): m is Extract<Message, { k: K }> => m.k === k);

/** Delivers every leader message addressed to `s` (direct or broadcast), through the codec. */
function deliver(sends: readonly Send[], s: SlaveMachine, id: number, now: number): Send[] {
  const out: Send[] = [];
  for (const send of sends) {
    const t = send.target;
    if (t.to === 'leader' || (t.to === 'slave' && t.slave !== id)) continue;
    const decoded = decode(encode(send.message, key), key, run);
    if ('message' in decoded) out.push(...s.receive(decoded.message, now));
  }
  return out;
}

describe('the critical section in the protocol machines', () => {
  it('hands the holder the whole agreed list, including commits not yet broadcast', () => {
    const l = leader(2);
    const [a, b] = [slave(0), slave(1)];
    l.start(0);
    const toA = l.receive(a.start(1)[0]!.message, 1);
    deliver(toA, a, 0, 2);
    const toB = l.receive(b.start(3)[0]!.message, 3);
    deliver(toB, b, 1, 3);
    expect(a.grant).to.deep.include({ seq: 0, position: 0, list: [] });
    const appendA = a.answer(0, { word: 'first', n: [1, 2] }, 4);
    // The commit of A's value is not broadcast yet: the grant to B carries it.
    const afterCommit = l.receive(appendA[0]!.message, 5);
    expect(of(afterCommit, 'log')).to.have.length(0);
    deliver(afterCommit, b, 1, 5);
    expect(b.grant).to.deep.include({ seq: 1, position: 1, list: [{ word: 'first', n: [1, 2] }] });
  });

  it('fences a value answered after the grant was revoked: nothing is published', () => {
    const l = leader(1);
    const s = slave(0);
    l.start(0);
    deliver(l.receive(s.start(0)[0]!.message, 0), s, 0, 0);
    const seq = s.grant!.seq;
    deliver(l.tick(1000), s, 0, 1000); // lease over, no renewal
    expect(s.outcome).to.deep.include({ ok: false, code: 'REVOKED' });
    expect(s.answer(seq, 7, 1001)).to.deep.equal([]);
  });

  it('renews while alive past several leases, and the leader keeps the holder until its maximum hold', () => {
    const l = leader(1, { leaseMs: 300, maxHoldMs: 3000 });
    const s = slave(0);
    l.start(0);
    deliver(l.receive(s.start(0)[0]!.message, 0), s, 0, 0);
    let now = 0;
    // Both sides wake when they ask to; the holder renews, so ten leases pass without a revoke.
    while (now < 3000) {
      now = Math.min(s.wakeAt ?? Infinity, l.wakeAt ?? Infinity);
      for (const renew of s.tick(now)) deliver(l.receive(renew.message, now), s, 0, now);
      deliver(l.tick(now), s, 0, now);
      if (now < 2900) expect(s.grant, `at ${now}`).to.not.equal(undefined);
    }
    const revokes = l.history.filter((e) => e.type === 'revoke');
    expect(revokes).to.have.length(1);
    expect(revokes[0]).to.include({ reason: 'maximum hold time reached' });
    expect(s.outcome).to.deep.include({ ok: false, code: 'REVOKED' });
  });

  it('revokes a holder that stops renewing within one lease', () => {
    const l = leader(1, { leaseMs: 300, maxHoldMs: 3000 });
    const s = slave(0);
    l.start(0);
    deliver(l.receive(s.start(0)[0]!.message, 0), s, 0, 0);
    // One renewal, then the holder is paused (its timers stop): the lease lapses 300 ms after it.
    const renew = s.tick(100);
    expect(of(renew, 'renew')).to.have.length(1);
    l.receive(renew[0]!.message, 100);
    expect(l.tick(399)).to.satisfy((sends: Send[]) => of(sends, 'revoke').length === 0);
    const lapse = l.tick(400);
    expect(of(lapse, 'revoke')[0]).to.include({ reason: 'lease expired' });
  });

  it('a release grants the next slave at once and ends the run without the released one', () => {
    const l = leader(2);
    const [a, b] = [slave(0), slave(1)];
    l.start(0);
    deliver(l.receive(a.start(0)[0]!.message, 0), a, 0, 0);
    deliver(l.receive(b.start(0)[0]!.message, 0), b, 1, 0);
    const release = a.release(0, 'CALLBACK_FAILED', 'its callback failed: boom');
    expect(a.outcome).to.deep.include({ ok: false, code: 'CALLBACK_FAILED' });
    const next = l.receive(release[0]!.message, 2);
    expect(of(next, 'grant')[0]).to.include({ slave: 1, seq: 1 });
    deliver(next, b, 1, 2);
    const end = l.receive(b.answer(1, 'ok', 3)[0]!.message, 3);
    expect(of(end, 'end')[0]).to.deep.include({ missing: [0], count: 1 });
    deliver(end, b, 1, 4);
    expect(b.outcome).to.deep.include({ ok: true, list: [[1, 'ok']] });
    expect(l.outcome?.missing).to.deep.equal([{ slave: 0, why: 'its callback failed' }]);
  });

  it('drops a renew or release that does not name the current grant', () => {
    const l = leader(2);
    l.start(0);
    l.receive({ k: 'request', run, no: 0, slave: 0, nonce: 'n0' }, 0);
    const stale = (k: 'renew' | 'release'): Message => ({
      k,
      run,
      no: 2,
      slave: 1,
      nonce: 'n1',
      seq: 0,
      token: `${epoch}.0`,
    });
    expect(l.receive(stale('renew'), 1)).to.deep.equal([]);
    expect(l.receive(stale('release'), 1)).to.deep.equal([]);
    expect(l.dropped).to.equal(2);
  });

  it('a grant with entries that do not continue the list is a protocol failure', () => {
    const s = slave(0);
    s.start(0);
    const welcome: FromLeader = {
      k: 'welcome',
      run,
      epoch,
      no: 1,
      slave: 0,
      nonce: 'n0',
      add: [],
      rev: [],
      beatMs: 500,
    };
    s.receive(welcome, 1);
    const grant: FromLeader = {
      k: 'grant',
      run,
      epoch,
      no: 2,
      slave: 0,
      nonce: 'n0',
      seq: 3,
      token: `${epoch}.3`,
      leaseMs: 1000,
      at: 2,
      add: [[1, 5]],
      seqs: [2],
    };
    s.receive(grant, 2);
    expect(s.outcome).to.deep.include({ ok: false, code: 'PROTOCOL' });
  });
});
