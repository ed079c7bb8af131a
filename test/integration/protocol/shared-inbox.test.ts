import { expect } from 'chai';
import { connect } from 'amqplib';
import { closeBrokerConnections } from '../../../src/broker/connection.js';
import { runNames } from '../../../src/broker/names.js';
import { RunInbox, type InboxMember } from '../../../src/broker/run-inbox.js';
import { checkHistory } from '../../../src/history/checker.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { wallClockMs } from '../../../src/protocol/deadline.js';
import type { Message, Send } from '../../../src/protocol/messages.js';
import { encode } from '../../../src/protocol/codec.js';
import { resolveDeadline } from '../../../src/protocol/deadline.js';
import { drive, type DrivenMachine } from '../../../src/broker/driver.js';
import { inject } from '../../helpers/broker-faults.js';
import { listRunResources, onlyEndRecord } from '../../../src/soak/broker-resources.js';
import { AMQP_URL, runRound } from '../../helpers/round.js';

/** A time `ms` from now on the one clock of deadlines. */
const inMs = (ms: number) => wallClockMs() + ms;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, for at most `ms`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000) {
  const stopAt = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > stopAt) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

/** A test member: records what the inbox dispatched to it. */
function recordingMember(slave: number, nonce: string) {
  const got: string[] = [];
  const member: InboxMember = {
    slave,
    nonce,
    receive: (message: Message) => got.push(message.k),
    drop: (reason: string) => got.push(`drop: ${reason}`),
    tally: () => got.push('tally'),
    fail: (error: Error) => got.push(`fail: ${error.message}`),
  };
  return { member, got };
}

/** A machine that publishes `initial` when it starts and is done once it hears a leader's log. */
function untilLog(initial: Send[]) {
  const got: string[] = [];
  let done = false;
  const machine: DrivenMachine = {
    receive: (message) => {
      got.push(message.k);
      if (message.k === 'log') done = true;
      return [];
    },
    drop: (reason) => got.push(`drop: ${reason}`),
    tick: () => undefined,
    wakeAt: undefined,
  };
  return { machine, got, initial: () => initial, isDone: () => done };
}

/** Deletes what `declareRunTopology` created for a run that had no leader. */
async function deleteRunTopology(runId: string): Promise<void> {
  const names = runNames(runId);
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(names.leaderQueue);
    await channel.deleteExchange(names.logExchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}

describe('one inbox per process and run', function () {
  after(async () => {
    await closeBrokerConnections();
  });

  it('six slaves per process share one inbox queue, agree, and the last to finish deletes it', async () => {
    // Known before the round starts, so the inboxes can be counted while it runs.
    const { runId } = createRunCredentials();
    // The leader starts only once both processes' slaves are seen waiting in their inboxes.
    let release: () => void = () => undefined;
    const leaderMayStart = new Promise<void>((resolve) => {
      release = resolve;
    });
    const round = runRound({
      n: 12,
      slavesPerProcess: 6,
      leaderAfter: leaderMayStart,
      params: { runId, timeoutMs: 60_000 },
    });
    let inboxes: string[];
    let settled: string[];
    try {
      inboxes = await waitFor(
        'the slaves of both processes to open their inboxes',
        async () => {
          const queues = (await listRunResources(runId)).queues;
          return queues.filter((q) => q.includes('.inbox.')).length >= 2 ? queues : undefined;
        },
        45_000,
      );
      settled = (await listRunResources(runId)).queues;
    } finally {
      release();
    }
    const r = await round;
    expect(
      inboxes.filter((q) => q.includes('.slave.')),
      'no inbox per activation',
    ).to.deep.equal([]);
    expect(
      settled.filter((q) => q.includes('.inbox.')),
      'one inbox per process',
    ).to.have.length(2);
    const lists = r.slaves.map((s, id) => {
      expect(s, `slave ${id}`).not.to.be.instanceOf(Error);
      expect(s).to.include({ id, dropped: 0 });
      return (s as { list: number[] }).list;
    });
    for (const list of lists) expect(list).to.deep.equal(lists[0]).and.to.have.length(12);
    const report = checkHistory(r.history, { runId });
    expect(report.runs.flatMap((run) => run.properties.flatMap((p) => p.violations))).to.deep.equal([]);
    // Each process's queue took each fanned-out append once, however many of its slaves saw it.
    for (const group of [r.slaves.slice(0, 6), r.slaves.slice(6)]) {
      const delivered = group.reduce((sum, s) => sum + (s as { received: number }).received, 0);
      const seenAppends = group.reduce((sum, s) => sum + (s as { appendsSeen: number }).appendsSeen, 0);
      expect(delivered).to.be.below(seenAppends);
    }
    // Deleted by the last slave of each process, not left to expire (the default expiry is minutes);
    // only the run's end record stays, for a late party, until it expires.
    expect(await listRunResources(runId)).to.deep.equal(onlyEndRecord(runId));
  });

  it('dispatches direct messages to the named activation only, broadcasts to all, and counts strays once', async () => {
    const { runId, signingKey } = createRunCredentials();
    const key = { amqpUrl: AMQP_URL, runId, signingKey, expiresMs: 60_000 };
    const inbox = await RunInbox.join(key, inMs(10_000));
    const again = await RunInbox.join(key, inMs(10_000));
    expect(again).to.equal(inbox);
    try {
      const a = recordingMember(0, 'aaaa');
      const b = recordingMember(1, 'bbbb');
      inbox.add(a.member);
      inbox.add(b.member);
      const base = { run: runId, epoch: 'e1', leaseMs: 1000, seq: 0, token: 'e1.0' } as const;
      let confirmed = 0;
      // Another activation's place in the inbox publishes, on its own channel.
      const sender = inbox.port({ slave: 9, nonce: 'zzzz' });
      await sender.open(
        { receive: () => undefined, drop: () => undefined, fail: () => undefined },
        inMs(5000),
      );
      sender.publish(
        [
          {
            target: { to: 'slave', slave: 0, nonce: 'aaaa', box: inbox.box },
            message: { ...base, k: 'grant', no: 0, slave: 0, nonce: 'aaaa' },
          },
          {
            target: { to: 'slave', slave: 2, nonce: 'cccc', box: inbox.box },
            message: { ...base, k: 'grant', no: 1, slave: 2, nonce: 'cccc' },
          },
          {
            target: { to: 'log' },
            message: { k: 'log', run: runId, epoch: 'e1', no: 2, at: 0, add: [], rev: [] },
          },
        ],
        (error) => {
          if (error === undefined) confirmed += 1;
        },
      );
      await waitFor('both members to hear the broadcast', () =>
        a.got.includes('log') && b.got.includes('log') ? true : undefined,
      );
      expect(confirmed).to.equal(3);
      expect(a.got).to.deep.equal(['grant', 'log']);
      expect(b.got).to.deep.equal(['log']);
      expect(inbox.strays).to.equal(1);
      await sender.close(inMs(5000));
      // One queue for the run in this process, under the id the requests name.
      const queues = (await listRunResources(runId)).queues.filter((q) => q.includes('.inbox.'));
      expect(queues).to.deep.equal([runNames(runId).sharedInbox(inbox.box)]);
      inbox.remove(a.member);
      inbox.remove(b.member);
      await inbox.leave(inMs(5000));
      expect((await listRunResources(runId)).queues, 'kept while a member remains').to.include(inbox.queue);
      await again.leave(inMs(5000));
      expect((await listRunResources(runId)).queues, 'deleted by the last member').not.to.include(
        inbox.queue,
      );
      // A later activation opens a new inbox under a new id.
      const later = await RunInbox.join(key, inMs(10_000));
      expect(later.box).not.to.equal(inbox.box);
      await later.leave(inMs(5000));
      expect((await listRunResources(runId)).queues.filter((q) => q.includes('.inbox.'))).to.deep.equal([]);
    } finally {
      await deleteRunTopology(runId);
    }
    expect(await listRunResources(runId)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('checks each fanned-out append once for all its members and records a contradicted one with each', async () => {
    const { runId, signingKey } = createRunCredentials();
    const key = { amqpUrl: AMQP_URL, runId, signingKey, expiresMs: 60_000 };
    const inbox = await RunInbox.join(key, inMs(10_000));
    try {
      const a = recordingMember(0, 'aaaa');
      const b = recordingMember(1, 'bbbb');
      inbox.add(a.member);
      inbox.add(b.member);
      const counts = { received: 0, appendsSeen: 0 };
      const c = inbox.port({ slave: 6, nonce: 'cccc', counts });
      await c.open({ receive: () => undefined, drop: () => undefined, fail: () => undefined }, inMs(5000));
      const base = { run: runId, epoch: 'e1', rev: [] } as const;
      const append = (slave: number, nonce: string, seq: number, value: number) =>
        ({ k: 'append', run: runId, no: 1, slave, nonce, seq, token: `e1.${seq}`, value }) as const;
      const messages: Message[] = [
        { ...base, k: 'log', no: 0, at: 0, add: [], seqs: [] },
        append(5, 'x5', 0, 7),
        append(5, 'x5', 0, 7), // redelivered
        append(6, 'cccc', 1, 3), // the third member's own
        append(8, 'x8', 2, 1),
        {
          ...base,
          k: 'log',
          no: 1,
          at: 0,
          add: [
            [5, 7],
            [6, 4],
          ],
          seqs: [0, 1],
        },
      ];
      await inject(
        { queue: inbox.queue },
        messages.map((m) => encode(m, signingKey)),
      );
      await waitFor('both members to hear the last broadcast', () =>
        a.got.filter((k) => k === 'log').length === 2 && b.got.filter((k) => k === 'log').length === 2
          ? true
          : undefined,
      );
      const contradicted = 'drop: append for seq 1 (slave 6, value 3) differs from the leader';
      // No member handles an append; the longest-standing one is charged with the delivery.
      expect(a.got.slice(0, 5)).to.deep.equal([
        'log',
        'tally',
        'drop: duplicate append of seq 0',
        'tally',
        'tally',
      ]);
      expect(b.got.slice(0, 3)).to.deep.equal(['log', 'drop: duplicate append of seq 0', 'log']);
      for (const got of [a.got, b.got]) {
        expect(got.at(-1)).to.satisfy((last: string) => last.startsWith(contradicted));
        expect(got).not.to.include('append');
      }
      await c.close(inMs(5000));
      // Seqs 0 and 2 were appended by other activations while the third member was served.
      expect(counts).to.deep.equal({ received: 0, appendsSeen: 2 });
      inbox.remove(a.member);
      inbox.remove(b.member);
    } finally {
      await inbox.leave(inMs(5000));
      await deleteRunTopology(runId);
    }
  });

  it('fails only the member whose append the broker refused; the others finish and the inbox is deleted', async () => {
    const { runId, signingKey } = createRunCredentials();
    const key = { amqpUrl: AMQP_URL, runId, signingKey, expiresMs: 60_000 };
    const inbox = await RunInbox.join(key, inMs(10_000));
    await RunInbox.join(key, inMs(10_000));
    const deadline = resolveDeadline({}, 20_000, wallClockMs());
    try {
      // The leader ended and deleted the log exchange; a late append into it is refused (404).
      await deleteRunTopology(runId);
      const append: Send = {
        target: { to: 'log' },
        message: { k: 'append', run: runId, no: 1, slave: 0, nonce: 'aaaa', seq: 0, token: 'e1.0', value: 5 },
      };
      const late = untilLog([append]);
      const other = untilLog([]);
      const lateEnd = drive({ port: inbox.port({ slave: 0, nonce: 'aaaa' }), deadline, ...late }).then(
        () => 'returned',
        (error: unknown) => (error as Error).message,
      );
      const otherEnd = drive({ port: inbox.port({ slave: 1, nonce: 'bbbb' }), deadline, ...other });
      expect(await lateEnd).to.match(/NOT_FOUND - no exchange/);
      // The leader's last broadcast, already in the inbox, still reaches the other member.
      const log = { k: 'log', run: runId, epoch: 'e1', no: 0, at: 0, add: [], rev: [] } as const;
      await inject({ queue: inbox.queue }, [encode(log, signingKey)]);
      await otherEnd;
      expect(other.got).to.deep.equal(['log']);
    } finally {
      await inbox.leave(inMs(5000));
      await inbox.leave(inMs(5000));
    }
    expect(await listRunResources(runId)).to.deep.equal({
      queues: [],
      exchanges: [],
    });
  });
});
