/**
 * One ledger per inbox records each fanned-out append once and checks it against the leader's commit
 * of its seq, whichever arrives first; the members' lists never depend on it.
 */
import { expect } from 'chai';

import { AppendLedger } from '../../../src/protocol/append-ledger.js';
import { listDigest, memoizedListDigest } from '../../../src/protocol/list-digest.js';
import type { AppendMessage, Entry, FromLeader } from '../../../src/protocol/messages.js';

const run = 'run1';
const epoch = 'e1';

const append = (slave: number, seq: number, value: number, nonce = `n${slave}`): AppendMessage => ({
  k: 'append',
  run,
  no: 1,
  slave,
  nonce,
  seq,
  token: `${epoch}.${seq}`,
  value,
});
const log = (
  no: number,
  at: number,
  add: Entry[],
  seqs: number[],
  rev: [number, number][] = [],
): FromLeader => ({
  k: 'log',
  run,
  epoch,
  no,
  at,
  add,
  seqs,
  rev,
});

describe('AppendLedger', () => {
  it('records each append once and drops nothing when the commits agree, in either order', () => {
    const l = new AppendLedger();
    expect(l.follow(log(0, 0, [], []))).to.deep.equal([]);
    expect(l.append(append(0, 0, 7))).to.equal(undefined); // before its commit
    expect(
      l.follow(
        log(
          1,
          0,
          [
            [0, 7],
            [2, 8],
          ],
          [0, 1],
        ),
      ),
    ).to.deep.equal([]);
    expect(l.append(append(2, 1, 8))).to.equal(undefined); // after its commit
    expect(l.appends).to.equal(2);
  });

  it('drops an append that differs from the commit of its seq, whether it came before or after it', () => {
    const l = new AppendLedger();
    l.follow(log(0, 0, [], []));
    expect(l.append(append(0, 0, 7))).to.equal(undefined);
    const before = l.follow(log(1, 0, [[0, 9]], [0])); // the leader says 9
    expect(before).to.have.length(1);
    expect(before[0]).to.match(/append for seq 0 \(slave 0, value 7\) differs from the leader's commit/);
    l.follow(log(2, 1, [[3, 5]], [1]));
    expect(l.append(append(3, 1, 4))).to.match(/append for seq 1 \(slave 3, value 4\) differs/);
    // A commit repeated by a later message (a welcome's overlap, a grant's catch-up) is not checked twice.
    expect(
      l.follow(
        log(
          3,
          0,
          [
            [0, 9],
            [3, 5],
          ],
          [0, 1],
        ),
      ),
    ).to.deep.equal([]);
  });

  it('drops duplicates (before and after the commit) and a second append for one seq', () => {
    const l = new AppendLedger();
    l.follow(log(0, 0, [], []));
    expect(l.append(append(0, 0, 7))).to.equal(undefined);
    expect(l.append(append(0, 0, 7))).to.equal('duplicate append of seq 0');
    expect(l.append(append(4, 0, 7))).to.equal('second append for seq 0');
    l.follow(log(1, 0, [[0, 7]], [0]));
    expect(l.append(append(0, 0, 7))).to.equal('duplicate append of seq 0');
    expect(l.appends).to.equal(1);
  });

  it("drops an append fenced by another epoch's token, on arrival or, before the epoch is known, at its commit", () => {
    const known = new AppendLedger();
    known.follow(log(0, 0, [], []));
    expect(known.append({ ...append(2, 1, 3), token: 'e0.1' })).to.match(/fenced by another leader epoch/);
    expect(known.appends).to.equal(0);
    // Before the leader is heard (before this inbox's welcome) an append is kept, then judged.
    const early = new AppendLedger();
    expect(early.append({ ...append(2, 1, 3), token: 'e0.1' })).to.equal(undefined);
    expect(early.append(append(0, 0, 7))).to.equal(undefined);
    const drops = early.follow(
      log(
        0,
        0,
        [
          [0, 7],
          [2, 3],
        ],
        [0, 1],
      ),
    );
    expect(drops).to.have.length(1);
    expect(drops[0]).to.match(/append of slave 2 fenced by another leader epoch \(token e0\.1\)/);
  });

  it("forgets a revoked holder's append (a zombie's): never committed, nothing to check", () => {
    const l = new AppendLedger();
    l.follow(log(0, 0, [], []));
    expect(l.append(append(0, 0, 7))).to.equal(undefined);
    l.follow(log(1, 0, [], [], [[0, 0]]));
    // The seq is never committed; a later commit of the next seq is checked alone.
    expect(l.follow(log(2, 0, [[1, 3]], [1]))).to.deep.equal([]);
    // A zombie's append that comes after its revocation is recorded, and never checked.
    expect(l.append(append(5, 2, 1))).to.equal(undefined);
    l.follow({
      k: 'revoke',
      run,
      epoch,
      no: 3,
      slave: 5,
      nonce: 'n5',
      seq: 2,
      token: `${epoch}.2`,
      reason: 'lease',
    });
    expect(l.follow(log(4, 1, [[6, 4]], [3]))).to.deep.equal([]);
  });

  it("learns commits from a grant's catch-up and a welcome, and ignores another epoch's messages", () => {
    const l = new AppendLedger();
    l.follow({
      k: 'welcome',
      run,
      epoch,
      no: 0,
      slave: 1,
      nonce: 'n1',
      add: [],
      seqs: [],
      rev: [],
      beatMs: 1000,
    });
    expect(l.append(append(0, 0, 7))).to.equal(undefined);
    const grant: FromLeader = {
      k: 'grant',
      run,
      epoch,
      no: 1,
      slave: 1,
      nonce: 'n1',
      seq: 1,
      token: `${epoch}.1`,
      leaseMs: 1000,
      at: 0,
      add: [[0, 8]],
      seqs: [0],
    };
    expect(l.follow(grant)).to.have.length(1);
    expect(l.follow({ ...log(2, 0, [[9, 9]], [5]), epoch: 'e2' })).to.deep.equal([]);
    expect(l.append(append(9, 5, 1))).to.equal(undefined); // not committed: the e2 log was ignored
  });

  it("counts, for one activation, the others' appends recorded while it was served", () => {
    const l = new AppendLedger();
    l.follow(log(0, 0, [], []));
    l.append(append(0, 0, 7));
    const since = l.appends;
    l.append(append(1, 1, 8, 'mine'));
    l.append(append(2, 2, 9));
    l.append(append(2, 2, 9)); // duplicate: not counted
    expect(l.othersSince(since, 1, 'mine')).to.equal(1);
    // An earlier activation of the same slave id is another activation.
    expect(l.othersSince(since, 1, 'earlier')).to.equal(2);
    // Its own append before it joined does not count against it.
    expect(l.othersSince(l.appends, 0, 'n0')).to.equal(0);
  });
});

describe('memoizedListDigest', () => {
  it('answers as listDigest, hashing again only when an entry object differs', () => {
    const digest = memoizedListDigest();
    const a: Entry = [0, 7];
    const b: Entry = [1, { x: 1 }];
    const list = [a, b];
    expect(digest(list)).to.equal(listDigest(list));
    expect(digest([a, b])).to.equal(listDigest(list)); // another array, the same entries
    const changed: Entry[] = [a, [1, { x: 2 }]];
    expect(digest(changed)).to.equal(listDigest(changed)).and.not.to.equal(listDigest(list));
    expect(digest([a])).to.equal(listDigest([a]));
    // The remembered list is a copy: changing the caller's array cannot fool it.
    const mutable: Entry[] = [a, b];
    digest(mutable);
    mutable[1] = [1, { x: 3 }];
    expect(digest(mutable)).to.equal(listDigest(mutable));
  });
});
