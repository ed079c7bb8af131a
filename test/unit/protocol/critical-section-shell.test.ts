import { expect } from 'chai';
import { CriticalSection, GrantLostError, type SlaveContext } from '../../../src/action/critical-section.js';
import type { Message, Send } from '../../../src/protocol/messages.js';
import { SlaveMachine } from '../../../src/protocol/slave-machine.js';

const run = 'run1';
const epoch = 'e1';

const welcome = {
  k: 'welcome',
  run,
  epoch,
  no: 0,
  slave: 0,
  nonce: 'n0',
  add: [],
  seqs: [],
  rev: [],
  beatMs: 1000,
} as const satisfies Message;
const grant = {
  k: 'grant',
  run,
  epoch,
  no: 1,
  slave: 0,
  nonce: 'n0',
  seq: 0,
  token: 'e1.0',
  leaseMs: 1000,
} as const satisfies Message;
const revoke = {
  k: 'revoke',
  run,
  epoch,
  no: 2,
  slave: 0,
  nonce: 'n0',
  seq: 0,
  token: 'e1.0',
  reason: 'lease expired',
} as const satisfies Message;

/** A granted slave whose callback is `callback`; `published` collects what the shell would publish. */
function granted(callback: (context: SlaveContext) => unknown) {
  const machine = new SlaveMachine({ runId: run, id: 0, nonce: 'n0', giveUpAt: 100_000 });
  const section = new CriticalSection(machine, callback, { id: 0, n: 1, runId: run }, () => 5);
  const published: Send[] = [];
  machine.start(0);
  section.attach((input) => published.push(...(input() ?? [])));
  section.driven.receive(welcome, 1);
  section.driven.receive(grant, 2);
  return { machine, section, published };
}

/** Lets queued promise jobs run (the section observes the machine after each step in one). */
const jobs = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the critical section around the slave machine', () => {
  it('appends the plain value of a synchronous callback in the job right after the grant', async () => {
    const { published } = granted(() => 7);
    // One promise job: the section observes the grant, runs the callback and answers.
    await Promise.resolve();
    expect(published.map((s) => s.message)).to.deep.include({
      k: 'append',
      run,
      no: 1,
      slave: 0,
      nonce: 'n0',
      seq: 0,
      token: 'e1.0',
      value: 7,
    });
  });

  it('awaits a promise and appends what it resolves to', async () => {
    const { published } = granted(async () => {
      await jobs();
      return { ok: true };
    });
    await Promise.resolve();
    expect(published).to.deep.equal([]);
    await jobs();
    await jobs();
    expect(published.map((s) => s.message.k)).to.deep.equal(['append']);
  });

  const failures: [string, (context: SlaveContext) => unknown][] = [
    [
      'a synchronous throw',
      () => {
        throw new Error('boom');
      },
    ],
    ['a rejection', () => Promise.reject(new Error('boom'))],
    [
      'a result whose then getter throws',
      () => ({
        get then(): never {
          throw new Error('boom');
        },
      }),
    ],
  ];
  for (const [name, callback] of failures) {
    it(`releases the grant on ${name}`, async () => {
      const { machine, published } = granted(callback);
      await jobs();
      expect(published.map((s) => s.message.k)).to.deep.equal(['release']);
      expect(machine.outcome).to.deep.include({ ok: false, code: 'CALLBACK_FAILED' });
    });
  }

  it('releases the grant when the value is not JSON', async () => {
    const { machine, published } = granted(() => () => 1);
    await jobs();
    expect(published.map((s) => s.message.k)).to.deep.equal(['release']);
    expect(machine.outcome).to.deep.include({ ok: false, code: 'BAD_VALUE' });
  });

  it('aborts the signal the callback holds when the grant is lost', async () => {
    let context: SlaveContext | undefined;
    let early: AbortSignal | undefined;
    const { section } = granted(async (given) => {
      context = given;
      early = given.signal;
      await new Promise(() => undefined); // never ends: the grant is lost meanwhile
    });
    await Promise.resolve();
    section.driven.receive(revoke, 3);
    await Promise.resolve();
    expect(early?.aborted).to.equal(true);
    expect(early?.reason).to.be.instanceOf(GrantLostError);
    expect(context?.signal.aborted).to.equal(true);
  });

  it('aborts a signal first asked for after the loss', async () => {
    let context: SlaveContext | undefined;
    const { section } = granted(async (given) => {
      context = given;
      await new Promise(() => undefined);
    });
    await Promise.resolve();
    section.driven.receive(revoke, 3);
    await Promise.resolve();
    const signal = context?.signal;
    expect(signal?.aborted).to.equal(true);
    expect(signal?.reason).to.be.instanceOf(GrantLostError);
  });
});
