import { expect } from 'chai';
import { cleanUp } from '../../../src/broker/cleanup.js';
import { closeBrokerConnections, openChannel } from '../../../src/broker/connection.js';
import { drive, type DrivenMachine } from '../../../src/broker/driver.js';
import { runNames } from '../../../src/broker/names.js';
import { queuePort, type QueuePortOptions } from '../../../src/broker/queue-port.js';
import { RunConflictError } from '../../../src/broker/run-conflict.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { resolveDeadline, wallClockMs } from '../../../src/protocol/deadline.js';
import type { Message, Send } from '../../../src/protocol/messages.js';
import { listRunResources } from '../../../src/soak/broker-resources.js';
import { AMQP_URL } from '../../helpers/round.js';

const inMs = (ms: number) => wallClockMs() + ms;

/** A queue of a fresh run with the shell's port on it; `done()` deletes it. */
async function ownQueue(extra: Pick<QueuePortOptions, 'consume' | 'consumed'> = {}) {
  const { runId, signingKey } = createRunCredentials();
  const names = runNames(runId);
  const { connection, channel } = await openChannel(AMQP_URL, inMs(10_000));
  await channel.assertQueue(names.leaderQueue, { durable: true, expires: 60_000 });
  const port = queuePort({
    connection,
    channel,
    names,
    queue: names.leaderQueue,
    runId,
    signingKey,
    prefetch: 16,
    ...extra,
  });
  const done = () => cleanUp(connection, channel, { queues: [names.leaderQueue], exchanges: [] }, inMs(5000));
  return { runId, names, port, done };
}

/** A machine that ends on the first message it hears, or at a `tick` once `wakeAt` is set. */
function machineEndingOn() {
  const heard: string[] = [];
  let done = false;
  const machine: DrivenMachine & { wakeAt: number | undefined } = {
    wakeAt: undefined,
    receive: (message: Message) => {
      heard.push(message.k);
      done = true;
      return [];
    },
    drop: () => undefined,
    tick: () => {
      heard.push('tick');
      done = true;
      return undefined;
    },
  };
  return { machine, heard, isDone: () => done, initial: () => [] };
}

describe('the shell around a protocol machine', function () {
  this.timeout(30_000);
  after(async () => {
    await closeBrokerConnections();
  });

  it('feeds an outside input like a delivery: publishes what it returns, and ignores feeds after the end', async () => {
    const queue = await ownQueue();
    try {
      const party = machineEndingOn();
      type Feed = (input: () => readonly Send[] | undefined) => void;
      let attach: (feed: Feed) => void = () => undefined;
      const attached = new Promise<Feed>((resolve) => (attach = resolve));
      let inputsRun = 0;
      const ended = drive({
        ...party,
        port: queue.port,
        deadline: resolveDeadline({}, 20_000, wallClockMs()),
        attach,
      });
      const feed = await attached;
      const abandon = { k: 'abandon', run: queue.runId, no: 0, slave: 3, nonce: 'outside' } as const;
      feed(() => {
        inputsRun += 1;
        return [{ target: { to: 'leader' }, message: abandon }];
      });
      await ended;
      expect(party.heard).to.deep.equal(['abandon']);
      feed(() => {
        inputsRun += 1;
        return [];
      });
      expect(inputsRun, 'a feed after the end runs nothing').to.equal(1);
    } finally {
      await queue.done();
    }
    expect(await listRunResources(queue.runId)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('runs beforeClose while its exclusive consumer still holds the queue; a rejection fails the shell', async () => {
    const queue = await ownQueue({ consume: { exclusive: true } });
    const { connection } = await openChannel(AMQP_URL, inMs(10_000));
    try {
      const party = machineEndingOn();
      let other: string | undefined;
      await drive({
        ...party,
        initial: () => [
          {
            target: { to: 'leader' },
            message: { k: 'abandon', run: queue.runId, no: 0, slave: 1, nonce: 'n' },
          },
        ],
        port: queue.port,
        deadline: resolveDeadline({}, 20_000, wallClockMs()),
        beforeClose: async () => {
          const rival = await connection.createChannel();
          rival.on('error', () => undefined);
          other = await rival
            .consume(queue.names.leaderQueue, () => undefined, { exclusive: true })
            .then(
              () => 'consumed',
              (error: unknown) => String((error as { code?: unknown }).code),
            );
        },
      });
      expect(other, 'another exclusive consumer is refused while beforeClose runs').to.equal('403');

      const failing = await ownQueue();
      try {
        const ended = drive({
          ...machineEndingOn(),
          initial: () => [
            {
              target: { to: 'leader' },
              message: { k: 'abandon', run: failing.runId, no: 0, slave: 1, nonce: 'n' },
            },
          ],
          port: failing.port,
          deadline: resolveDeadline({}, 20_000, wallClockMs()),
          beforeClose: () => Promise.reject(new Error('record not written')),
        });
        const error = await ended.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as Error | undefined)?.message).to.equal('record not written');
      } finally {
        await failing.done();
      }
    } finally {
      await queue.done();
    }
  });

  it('fails to open with the error of a rejected consumed check, and never starts the machine', async () => {
    const queue = await ownQueue({
      consumed: () => Promise.reject(new RunConflictError('LEADER_CONFLICT', 'run already ended')),
    });
    try {
      let started = false;
      const error = await drive({
        ...machineEndingOn(),
        initial: () => {
          started = true;
          return [];
        },
        port: queue.port,
        deadline: resolveDeadline({}, 20_000, wallClockMs()),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(RunConflictError);
      expect((error as RunConflictError).code).to.equal('LEADER_CONFLICT');
      expect(started).to.equal(false);
    } finally {
      await queue.done();
    }
  });

  it('re-arms the wake timer after a fed input', async () => {
    const queue = await ownQueue();
    try {
      const party = machineEndingOn();
      await drive({
        ...party,
        port: queue.port,
        deadline: resolveDeadline({}, 20_000, wallClockMs()),
        attach: (feed) => {
          feed(() => {
            party.machine.wakeAt = wallClockMs();
            return undefined;
          });
        },
      });
      expect(party.heard).to.deep.equal(['tick']);
    } finally {
      await queue.done();
    }
  });

  it("cleans up on a fresh channel when a broker error closed the party's channel", async () => {
    const { runId } = createRunCredentials();
    const names = runNames(runId);
    const { connection, channel } = await openChannel(AMQP_URL, inMs(10_000));
    await channel.assertQueue(names.leaderQueue, { durable: true, expires: 60_000 });
    // A passive declare of a missing queue: the broker closes the channel (404).
    await channel.checkQueue(`${names.leaderQueue}.missing`).catch(() => undefined);
    await cleanUp(connection, channel, { queues: [names.leaderQueue], exchanges: [] }, inMs(5000));
    expect(await listRunResources(runId)).to.deep.equal({ queues: [], exchanges: [] });
  });
});
