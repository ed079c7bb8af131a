/**
 * A later activation of a shared inbox gets a welcome with only what the inbox has not been sent
 * (the leader's side), completed from the inbox's own copy of the list (the inbox's side).
 */
import { expect } from 'chai';

import { BoxList } from '../../../src/broker/box-list.js';
import { LeaderMachine } from '../../../src/protocol/leader-machine.js';
import type { Message, Send, WelcomeMessage } from '../../../src/protocol/messages.js';
import { AnsweringSlave } from './answering-slave.js';

const run = 'run1';

function leader(n: number) {
  return new LeaderMachine(
    { runId: run, n, epoch: 'e1', leaseMs: 1000, heartbeatMs: 100, endBy: 1e9 },
    () => 0,
  );
}

const request = (slave: number, box: string) =>
  ({ k: 'request', run, no: 0, slave, nonce: `n${slave}`, box }) as const;
const append = (slave: number, seq: number, value: number) =>
  ({ k: 'append', run, no: 1, slave, nonce: `n${slave}`, seq, token: `e1.${seq}`, value }) as const;
const welcomeIn = (sends: Send[]) =>
  sends.map((s) => s.message).find((m): m is WelcomeMessage => m.k === 'welcome');

describe('welcomes to a shared inbox the leader welcomed before', () => {
  it('carry only the entries not yet broadcast; the inbox completes them to the whole list', () => {
    const l = leader(3);
    const box = new BoxList();
    const delivered: Message[] = [];
    const deliver = (sends: Send[]) => {
      for (const s of sends) if (s.target.to !== 'leader') delivered.push(box.follow(s.message));
    };
    deliver(l.start(0));
    deliver(l.receive(request(0, 'b1'), 1));
    deliver(l.receive(append(0, 0, 7), 2));
    deliver(l.tick(200)); // broadcasts entry 0
    deliver(l.receive(request(1, 'b1'), 201));
    deliver(l.receive(append(1, 1, 8), 202)); // entry 1, not broadcast yet
    const out = l.receive(request(2, 'b1'), 203);
    const sent = welcomeIn(out);
    expect(sent).to.include({ at: 1 });
    expect(sent?.add).to.deep.equal([[1, 8]]);
    deliver(out);
    const completed = delivered.filter((m): m is WelcomeMessage => m.k === 'welcome' && m.slave === 2)[0];
    expect(completed?.add).to.deep.equal([
      [0, 7],
      [1, 8],
    ]);
    expect(completed?.seqs).to.deep.equal([0, 1]);
    // The completed welcome serves the activation as a whole-list welcome would.
    const s = new AnsweringSlave({ runId: run, id: 2, nonce: 'n2', giveUpAt: 1e9 }, 9);
    s.start(203);
    for (const m of delivered.filter((m) => m.k !== 'welcome' || m.slave === 2)) s.receive(m, 204);
    const grant = l.receive(append(2, 2, 9), 205); // ends the run
    for (const x of grant) s.receive(box.follow(x.message), 206);
    expect(s.outcome).to.deep.include({ ok: true, position: 2 });
  });

  it('a first welcome to an inbox, or one without an inbox, carries the whole list', () => {
    const l = leader(3);
    l.start(0);
    l.receive(request(0, 'b1'), 1);
    l.receive(append(0, 0, 7), 2);
    l.tick(200);
    expect(welcomeIn(l.receive(request(1, 'b2'), 201))).to.not.have.property('at');
    const plain = { k: 'request', run, no: 0, slave: 2, nonce: 'n2' } as const;
    expect(welcomeIn(l.receive(plain, 202))?.add).to.deep.equal([[0, 7]]);
  });

  it('hands every activation the same entry object for a position, whichever message carried it', () => {
    const box = new BoxList();
    const base = { run, epoch: 'e1' } as const;
    const adds = (m: Message) => ('add' in m ? (m.add ?? []) : []);
    box.follow({
      ...base,
      k: 'welcome',
      no: 0,
      slave: 0,
      nonce: 'n0',
      add: [],
      seqs: [],
      rev: [],
      beatMs: 100,
    });
    const [first] = adds(box.follow({ ...base, k: 'log', no: 1, at: 0, add: [[0, 7]], seqs: [0], rev: [] }));
    const grant = box.follow({
      ...base,
      k: 'grant',
      no: 2,
      slave: 2,
      nonce: 'n2',
      seq: 2,
      token: 'e1.2',
      leaseMs: 100,
      at: 1,
      add: [[1, { v: 8 }]],
      seqs: [1],
    });
    const [second] = adds(grant);
    // The log repeats the grant's catch-up in objects of its own; the inbox hands out the first ones.
    const log = box.follow({ ...base, k: 'log', no: 3, at: 1, add: [[1, { v: 8 }]], seqs: [1], rev: [] });
    expect(adds(log)[0]).to.equal(second);
    const end = box.follow({
      ...base,
      k: 'end',
      no: 4,
      at: 0,
      add: [
        [0, 7],
        [1, { v: 8 }],
      ],
      seqs: [0, 1],
      rev: [],
      count: 2,
      digest: 'x',
      missing: [],
    });
    expect(adds(end)[0]).to.equal(first);
    expect(adds(end)[1]).to.equal(second);
    // An entry that differs is passed on as sent, for the machine to refuse.
    const forged = box.follow({ ...base, k: 'log', no: 5, at: 0, add: [[0, 9]], seqs: [0], rev: [] });
    expect(adds(forged)).to.deep.equal([[0, 9]]);
  });
});
