import { expect } from 'chai';
import { listDigest } from '../../../src/protocol/list-digest.js';
import type { Entry, FromLeader } from '../../../src/protocol/messages.js';
import { MIN_LEADER_SILENCE_MS } from '../../../src/protocol/limits.js';
import { AnsweringSlave } from './answering-slave.js';

const run = 'run1';
const epoch = 'e1';
const me = { slave: 1, nonce: 'mine' };

function slave(giveUpAt = 100_000) {
  return new AnsweringSlave({ runId: run, id: 1, nonce: 'mine', giveUpAt }, 500);
}

const welcome = (no: number, add: Entry[] = []): FromLeader => ({
  k: 'welcome',
  run,
  epoch,
  no,
  ...me,
  add,
  rev: [],
  beatMs: 1000,
});
const grant = (no: number, seq: number): FromLeader => ({
  k: 'grant',
  run,
  epoch,
  no,
  ...me,
  seq,
  token: `${epoch}.${seq}`,
  leaseMs: 5000,
});
const revoke = (no: number, seq: number): FromLeader => ({
  k: 'revoke',
  run,
  epoch,
  no,
  ...me,
  seq,
  token: `${epoch}.${seq}`,
  reason: 'lease expired',
});
const log = (no: number, at: number, add: Entry[]): FromLeader => ({
  k: 'log',
  run,
  epoch,
  no,
  at,
  add,
  rev: [],
});
const end = (no: number, at: number, add: Entry[], list: Entry[], missing: number[] = []): FromLeader => ({
  k: 'end',
  run,
  epoch,
  no,
  at,
  add,
  rev: [],
  count: list.length,
  digest: listDigest(list),
  missing,
});

/** Another slave's append as the fanout delivers it. */
const peerAppend = (slave: number, seq: number, value: number) =>
  ({ k: 'append', run, no: 1, slave, nonce: `n${slave}`, seq, token: `${epoch}.${seq}`, value }) as const;

describe('SlaveMachine', () => {
  it('requests, appends its value under the grant, and returns the sealed list', () => {
    const s = slave();
    expect(s.start(0).map((x) => x.message)).to.deep.equal([
      { k: 'request', run, no: 0, slave: 1, nonce: 'mine' },
    ]);
    s.receive(welcome(3, [[0, 7]]), 1);
    const out = s.receive(grant(4, 1), 2);
    expect(out[0]?.message).to.deep.include({ k: 'append', seq: 1, token: 'e1.1', value: 500 });
    // Fanout by default: the leader and every other slave see the append.
    expect(out[0]?.target).to.deep.equal({ to: 'log' });
    const list: Entry[] = [
      [0, 7],
      [1, 500],
    ];
    s.receive(end(6, 0, list, list), 3);
    expect(s.outcome).to.deep.equal({ ok: true, value: 500, list, position: 1, missing: [] });
  });

  it("appends to the leader's queue when the leader's welcome says so", () => {
    const s = slave();
    s.start(0);
    s.receive({ ...welcome(1), route: 'leader' } as FromLeader, 1);
    expect(s.receive(grant(2, 0), 2)[0]?.target).to.deep.equal({ to: 'leader' });
  });

  it("builds its list from the leader's log alone: fanned-out appends decide and drop nothing here", () => {
    const s = slave();
    s.start(0);
    s.receive(peerAppend(0, 0, 7), 1); // before the welcome
    s.receive({ ...welcome(3, [[0, 7]]), seqs: [0] } as FromLeader, 2);
    // A signed append that contradicts the leader: the inbox's ledger records that, once per process.
    s.receive(peerAppend(2, 1, 4), 3);
    s.receive(grant(4, 2), 4);
    s.receive({ k: 'append', run, no: 1, ...me, seq: 2, token: `${epoch}.2`, value: 500 }, 5); // own echo
    const list: Entry[] = [
      [0, 7],
      [2, 8],
      [1, 500],
    ];
    s.receive({ ...end(6, 1, list.slice(1), list), seqs: [1, 2] } as FromLeader, 6);
    expect(s.dropped).to.equal(0);
    expect(s.outcome).to.deep.include({ ok: true, position: 2, list });
  });

  it('checks the end against the digest function it is given', () => {
    const digested: number[] = [];
    const s = new AnsweringSlave(
      {
        runId: run,
        id: 1,
        nonce: 'mine',
        giveUpAt: 100_000,
        digest: (entries) => {
          digested.push(entries.length);
          return listDigest(entries);
        },
      },
      500,
    );
    s.start(0);
    s.receive(welcome(1, [[0, 7]]), 1);
    s.receive(grant(2, 1), 2);
    const list: Entry[] = [
      [0, 7],
      [1, 500],
    ];
    s.receive(end(3, 1, [[1, 500]], list), 3);
    expect(digested).to.deep.equal([2]);
    expect(s.outcome).to.deep.include({ ok: true, list });
  });

  it('ignores broadcasts that precede its catch-up, then checks the overlap', () => {
    const s = slave();
    s.start(0);
    expect(s.receive(log(2, 0, [[0, 7]]), 1)).to.deep.equal([]); // covered by the welcome
    s.receive(
      welcome(5, [
        [0, 7],
        [2, 8],
      ]),
      2,
    );
    s.receive(log(6, 1, [[2, 8]]), 3); // overlap repeats what the welcome said
    expect(s.dropped).to.equal(0);
    s.receive(grant(7, 2), 4);
    const list: Entry[] = [
      [0, 7],
      [2, 8],
      [1, 500],
    ];
    s.receive(end(8, 2, [[1, 500]], list), 5);
    expect(s.outcome).to.deep.include({ ok: true, position: 2 });
  });

  it('drops replayed, duplicated and reordered leader messages', () => {
    const s = slave();
    s.start(0);
    s.receive(welcome(3), 1);
    s.receive(welcome(3), 2); // redelivered
    s.receive(log(2, 0, []), 3); // older than the last accepted
    s.receive(grant(5, 0), 4);
    expect(s.receive(grant(5, 0), 5)).to.deep.equal([]); // replayed grant: no second append
    expect(s.dropped).to.equal(3);
  });

  it('drops messages of another leader epoch and messages addressed to another activation', () => {
    const s = slave();
    s.start(0);
    s.receive(welcome(3), 1);
    s.receive({ ...log(4, 0, [[3, 3]]), epoch: 'e2' }, 2);
    s.receive({ ...grant(5, 0), nonce: 'earlier' } as FromLeader, 3);
    s.receive({ ...grant(6, 0), slave: 2 } as FromLeader, 4);
    s.receive({ k: 'request', run, no: 0, slave: 2, nonce: 'x' }, 5);
    expect(s.dropped).to.equal(4);
    expect(s.receive(grant(7, 0), 6)).to.have.length(1);
  });

  it('fails as REVOKED when its own grant is revoked', () => {
    const s = slave();
    s.start(0);
    s.receive(welcome(1), 1);
    s.receive(grant(2, 4), 2);
    s.receive(revoke(3, 3), 3); // not ours: dropped
    expect(s.outcome).to.equal(undefined);
    s.receive(revoke(4, 4), 4);
    expect(s.outcome).to.deep.include({ ok: false, code: 'REVOKED' });
  });

  it('fails as PROTOCOL when the log skips entries or contradicts what it said', () => {
    const gap = slave();
    gap.start(0);
    gap.receive(welcome(1), 1);
    gap.receive(log(2, 1, [[0, 1]]), 2);
    expect(gap.outcome).to.deep.include({ ok: false, code: 'PROTOCOL' });
    const conflict = slave();
    conflict.start(0);
    conflict.receive(welcome(1, [[0, 1]]), 1);
    conflict.receive(log(2, 0, [[0, 2]]), 2);
    expect(conflict.outcome).to.deep.include({ ok: false, code: 'PROTOCOL' });
  });

  it('fails as PROTOCOL when the end does not seal the followed list', () => {
    const s = slave();
    s.start(0);
    s.receive(welcome(1, [[1, 500]]), 1);
    s.receive(end(2, 1, [], [[1, 501]]), 2);
    expect(s.outcome).to.deep.include({ ok: false, code: 'PROTOCOL' });
  });

  it('fails as NOT_COMMITTED when the run ends without its value', () => {
    const s = slave();
    s.start(0);
    s.receive(welcome(1, [[0, 1]]), 1);
    s.receive(end(2, 1, [], [[0, 1]], [1]), 2);
    expect(s.outcome).to.deep.include({ ok: false, code: 'NOT_COMMITTED' });
    const late = slave();
    late.start(0);
    late.receive(end(9, 0, [], []), 1);
    expect(late.outcome).to.deep.include({ ok: false, code: 'NOT_COMMITTED' });
  });

  it('waits for a leader that has not started until its deadline, then says so', () => {
    const s = slave(3000);
    s.start(0);
    expect(s.wakeAt).to.equal(3000);
    s.tick(2999);
    expect(s.outcome).to.equal(undefined);
    s.tick(3000);
    expect(s.outcome).to.deep.include({ ok: false, code: 'TIMEOUT' });
    expect(s.outcome?.ok === false && s.outcome.error).to.match(/waiting for the leader to answer/);
  });

  it('gives up as LEADER_SILENT when heartbeats stop after the leader answered', () => {
    const s = slave();
    s.start(0);
    s.receive(welcome(1, [[0, 1]]), 1000);
    expect(s.wakeAt).to.equal(9000); // 8 heartbeats of 1000 ms
    s.receive(log(2, 1, []), 5000);
    expect(s.wakeAt).to.equal(13_000);
    s.tick(13_000);
    expect(s.outcome).to.deep.include({ ok: false, code: 'LEADER_SILENT' });
    expect(s.outcome?.ok === false && s.outcome.error).to.match(/1 entries committed so far/);
  });

  it('takes the value an earlier activation of the same slave committed', () => {
    const s = slave();
    s.start(0);
    s.receive(welcome(1, [[1, 123]]), 1);
    s.receive(end(2, 1, [], [[1, 123]]), 2);
    expect(s.outcome).to.deep.include({ ok: true, value: 123, position: 0 });
  });

  describe('before the leader answered', () => {
    /** A slave not yet answered that, at time 10, got a live end carrying only its last batch. */
    function afterLiveEnd() {
      const s = slave();
      s.start(0);
      s.receive(
        end(
          5,
          2,
          [[1, 99]],
          [
            [0, 4],
            [0, 5],
            [1, 99],
          ],
        ),
        10,
      );
      return s;
    }

    it('the end record (the whole list) returns the value an earlier activation of this id committed', () => {
      const retry = slave();
      retry.receive(
        end(
          7,
          0,
          [
            [0, 4],
            [1, 99],
          ],
          [
            [0, 4],
            [1, 99],
          ],
        ),
        1,
      );
      expect(retry.outcome).to.deep.equal({
        ok: true,
        value: 99,
        list: [
          [0, 4],
          [1, 99],
        ],
        position: 1,
        missing: [],
      });
    });

    it('a live end with only its last batch waits for the end record, then takes it', () => {
      const s = afterLiveEnd();
      expect(s.outcome).to.equal(undefined);
      expect(s.wakeAt).to.equal(10 + MIN_LEADER_SILENCE_MS);
      s.receive(
        end(
          6,
          0,
          [
            [0, 4],
            [0, 5],
            [1, 99],
          ],
          [
            [0, 4],
            [0, 5],
            [1, 99],
          ],
        ),
        20,
      );
      expect(s.outcome).to.deep.include({ ok: true, value: 99, position: 2 });
    });

    it('without the end record it fails as NOT_COMMITTED, not at its deadline', () => {
      const s = afterLiveEnd();
      s.tick(10 + MIN_LEADER_SILENCE_MS);
      expect(s.outcome).to.deep.include({ ok: false, code: 'NOT_COMMITTED' });
    });

    it('a log broadcast starts the silence timer: a leader that then dies fails it with LEADER_SILENT', () => {
      const s = slave();
      s.start(0);
      expect(s.wakeAt).to.equal(100_000);
      s.receive({ ...log(3, 0, []), beat: 1000 } as FromLeader, 50);
      expect(s.wakeAt).to.equal(50 + 8000);
      s.tick(50 + 8000);
      expect(s.outcome).to.deep.include({ ok: false, code: 'LEADER_SILENT' });
    });

    it('a leader seen consuming its queue starts the silence timer too', () => {
      const s = slave();
      s.start(0);
      s.leaderAlive(100);
      s.leaderAlive(900);
      expect(s.wakeAt).to.equal(900 + MIN_LEADER_SILENCE_MS);
      s.tick(900 + MIN_LEADER_SILENCE_MS);
      expect(s.outcome).to.deep.include({ ok: false, code: 'LEADER_SILENT' });
    });
  });

  it('fails with LEADER_FAILED on a failure end, answered or not', () => {
    const failed = { ...end(0, 0, [], []), error: 'leader refused to run: leaseMs must be …' } as FromLeader;
    const waiting = slave();
    waiting.start(0);
    waiting.receive(failed, 1);
    expect(waiting.outcome).to.deep.include({ ok: false, code: 'LEADER_FAILED' });
    const answered = slave();
    answered.start(0);
    answered.receive(welcome(1), 1);
    answered.receive({ ...failed, no: 2 }, 2);
    expect(answered.outcome).to.deep.include({ ok: false, code: 'LEADER_FAILED' });
  });
});
