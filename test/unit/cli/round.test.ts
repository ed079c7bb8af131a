import { expect } from 'chai';

import { FunctionExecutor } from '../../../src/executor/executor.js';
import type { ActivationRecord, WhiskTransport } from '../../../src/executor/transport.js';
import type { AbandonRequest, RunCoordination } from '../../../src/run/coordination.js';
import { runRound } from '../../../src/run/round.js';

const LIST = [7, 300, 1000];
const KEY = 'stub-signing-key-never-shown';

/**
 * A transport stub standing in for OpenWhisk: slaves return LIST, except those in `failing` (id → count),
 * whose first `count` attempts end in an application error. Records are available at once.
 */
function stubTransport(behaviour: {
  failing: Map<number, number>;
  leaderFails?: boolean;
  /** Slaves whose activation never finishes: their record never appears. */
  running?: Set<number>;
}): {
  transport: WhiskTransport;
  invocations: { action: string; params: Readonly<Record<string, unknown>> }[];
} {
  const invocations: { action: string; params: Readonly<Record<string, unknown>> }[] = [];
  const records = new Map<string, ActivationRecord>();
  const transport: WhiskTransport = {
    invoke(action, params) {
      invocations.push({ action, params });
      const activationId = `act${invocations.length}`;
      const id = typeof params.id === 'number' ? params.id : undefined;
      let result: Record<string, unknown>;
      let ok = true;
      if (id === undefined) {
        ok = behaviour.leaderFails !== true;
        result = ok ? {} : { error: 'leader: the broker went away' };
      } else {
        const left = behaviour.failing.get(id) ?? 0;
        if (left > 0) {
          behaviour.failing.set(id, left - 1);
          ok = false;
          result = { error: `slave ${id}: killed` };
        } else {
          result = { id, value: LIST[id] ?? 0, list: LIST, position: id, missing: [], dropped: 1 };
        }
      }
      records.set(activationId, {
        activationId,
        start: 1000,
        end: 1010,
        duration: 10,
        response: { status: ok ? 'success' : 'application error', success: ok, result },
        annotations: [
          { key: 'waitTime', value: 4 },
          { key: 'initTime', value: 6 },
        ],
      });
      return Promise.resolve(activationId);
    },
    getActivation(activationId) {
      const id = invocations[Number(activationId.slice('act'.length)) - 1]?.params.id;
      if (typeof id === 'number' && behaviour.running?.has(id) === true) return Promise.resolve(undefined);
      return Promise.resolve(records.get(activationId));
    },
  };
  return { transport, invocations };
}

function stubCoordination(): RunCoordination & { abandoned: AbandonRequest[]; cleared: string[] } {
  const abandoned: AbandonRequest[] = [];
  const cleared: string[] = [];
  return {
    abandoned,
    cleared,
    createRunCredentials: () => ({ runId: 'feedfacecafebeef', signingKey: KEY }),
    abandonSlave: (request) => {
      abandoned.push(request);
      return Promise.resolve({ delivered: true });
    },
    clearRun: ({ runId }) => {
      cleared.push(runId);
      return Promise.resolve();
    },
  };
}

async function withExecutor<T>(transport: WhiskTransport, body: (executor: FunctionExecutor) => Promise<T>) {
  const executor = new FunctionExecutor({ transport, poll: { initialMs: 1, maxMs: 5 } });
  try {
    return await body(executor);
  } finally {
    await executor.close();
  }
}

describe('runRound (against a transport stub)', () => {
  it('invokes the leader and N slaves with the run parameters and reports an agreed list', async () => {
    const { transport, invocations } = stubTransport({ failing: new Map() });
    const coordination = stubCoordination();
    const report = await withExecutor(transport, (executor) =>
      runRound({ executor, n: 3, amqpUrl: 'amqp://broker', leaseMs: 700, coordination }),
    );
    expect(invocations.map((i) => i.action)).to.deep.equal([
      'whisk-sync/leader',
      'whisk-sync/slave',
      'whisk-sync/slave',
      'whisk-sync/slave',
    ]);
    expect(invocations[0]?.params).to.include({
      n: 3,
      runId: 'feedfacecafebeef',
      leaseMs: 700,
      signingKey: KEY,
    });
    expect(invocations.slice(1).map((i) => i.params.id)).to.deep.equal([0, 1, 2]);
    expect(report).to.include({
      runId: 'feedfacecafebeef',
      n: 3,
      ok: true,
      agree: true,
      retried: 0,
      dropped: 3,
    });
    expect(report.list).to.deep.equal(LIST);
    expect(report.results).to.deep.equal([LIST, LIST, LIST]);
    expect(report.timings.containerStartMs).to.equal(10);
    expect(report.timings.coldStarts).to.equal(4);
    expect(report.history, 'history only on request').to.equal(undefined);
    expect(JSON.stringify(report)).not.to.contain(KEY);
  });

  it('re-invokes a failed slave with the same id when retries allow', async () => {
    const { transport, invocations } = stubTransport({ failing: new Map([[1, 1]]) });
    const coordination = stubCoordination();
    const notes: string[] = [];
    const report = await withExecutor(transport, (executor) =>
      runRound({
        executor,
        n: 3,
        amqpUrl: 'amqp://broker',
        retries: 1,
        coordination,
        onNote: (l) => notes.push(l),
      }),
    );
    expect(report.ok).to.equal(true);
    expect(report.retried).to.equal(1);
    expect(invocations.filter((i) => i.params.id === 1)).to.have.length(2);
    expect(coordination.abandoned).to.deep.equal([]);
    expect(notes.join('\n')).to.contain('slave 1 failed');
  });

  it('tells the leader about a slave that failed for good, and reports the run as failed', async () => {
    const { transport } = stubTransport({ failing: new Map([[2, 5]]) });
    const coordination = stubCoordination();
    const report = await withExecutor(transport, (executor) =>
      runRound({ executor, n: 3, amqpUrl: 'amqp://broker', retries: 1, coordination, history: true }),
    );
    expect(coordination.abandoned).to.deep.equal([
      { amqpUrl: 'amqp://broker', runId: 'feedfacecafebeef', signingKey: KEY, slave: 2 },
    ]);
    expect(report.ok).to.equal(false);
    expect(report.failed).to.have.length(1);
    expect(report.failed[0]).to.include({ id: 2, attempts: 2 });
    expect(report.results[2]).to.equal(null);
    expect(report.problems.join('\n')).to.contain('slave 2 failed');
    const ends = (report.history ?? []).filter((e) => e.type === 'end' && e.slave === 2);
    expect(ends.map((e) => (e.type === 'end' ? e.status : ''))).to.deep.equal([
      'application error',
      'application error',
    ]);
  });

  it("records a slave whose wait timed out as 'timeout' in the history, not 'success'", async () => {
    const { transport } = stubTransport({ failing: new Map(), running: new Set([1]) });
    const report = await withExecutor(transport, (executor) =>
      runRound({
        executor,
        n: 3,
        amqpUrl: 'amqp://broker',
        waitMs: 200,
        coordination: stubCoordination(),
        history: true,
      }),
    );
    expect(report.failed.map((f) => f.id)).to.deep.equal([1]);
    const ends = (report.history ?? []).flatMap((e) =>
      e.type === 'end' ? [[e.role, e.slave, e.status]] : [],
    );
    expect(ends).to.have.deep.members([
      ['leader', undefined, 'success'],
      ['slave', 0, 'success'],
      ['slave', 1, 'timeout'],
      ['slave', 2, 'success'],
    ]);
  });

  it("clears the run's end record once every activation has ended, and not while one may still run", async () => {
    const done = stubCoordination();
    await withExecutor(stubTransport({ failing: new Map() }).transport, (executor) =>
      runRound({ executor, n: 2, amqpUrl: 'amqp://broker', coordination: done }),
    );
    expect(done.cleared).to.deep.equal(['feedfacecafebeef']);
    const stillRunning = stubCoordination();
    await withExecutor(stubTransport({ failing: new Map(), running: new Set([1]) }).transport, (executor) =>
      runRound({ executor, n: 2, amqpUrl: 'amqp://broker', waitMs: 200, coordination: stillRunning }),
    );
    expect(stillRunning.cleared).to.deep.equal([]);
  });

  it('reports a failed leader even when every slave agrees', async () => {
    const { transport } = stubTransport({ failing: new Map(), leaderFails: true });
    const report = await withExecutor(transport, (executor) =>
      runRound({ executor, n: 3, amqpUrl: 'amqp://broker', coordination: stubCoordination() }),
    );
    expect(report.agree).to.equal(true);
    expect(report.ok).to.equal(false);
    expect(report.leader.ok).to.equal(false);
    expect(report.leader.error).to.contain('the broker went away');
  });

  it('refuses a bad n or retries with a TypeError', async () => {
    const { transport } = stubTransport({ failing: new Map() });
    await withExecutor(transport, async (executor) => {
      for (const options of [{ n: 0 }, { n: 2.5 }, { n: 2, retries: -1 }]) {
        try {
          await runRound({
            executor,
            amqpUrl: 'amqp://broker',
            coordination: stubCoordination(),
            ...options,
          });
          expect.fail(`expected a TypeError for ${JSON.stringify(options)}`);
        } catch (error) {
          expect(error).to.be.instanceOf(TypeError);
        }
      }
    });
  });
});
