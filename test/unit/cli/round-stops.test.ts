import { expect } from 'chai';

import { FunctionExecutor } from '../../../src/executor/executor.js';
import type { ActivationRecord, WhiskTransport } from '../../../src/executor/transport.js';
import type { AbandonRequest, LeaderFailureRequest, RunCoordination } from '../../../src/run/coordination.js';
import { formatRound } from '../../../src/run/format.js';
import { runRound } from '../../../src/run/round.js';

type Answer = { readonly ok: boolean; readonly result: Record<string, unknown> } | 'never';

/** A transport stub: each invocation's record is `answer(action, params)`, or never appears. */
function stub(answer: (params: Readonly<Record<string, unknown>>) => Answer) {
  const invocations: Readonly<Record<string, unknown>>[] = [];
  const records = new Map<string, ActivationRecord>();
  const transport: WhiskTransport = {
    invoke(_action, params) {
      invocations.push(params);
      const activationId = `act${invocations.length}`;
      const a = answer(params);
      if (a !== 'never') {
        records.set(activationId, {
          activationId,
          start: 1000,
          end: 1010,
          duration: 10,
          response: { status: a.ok ? 'success' : 'application error', success: a.ok, result: a.result },
          annotations: [],
        });
      }
      return Promise.resolve(activationId);
    },
    getActivation: (activationId) => Promise.resolve(records.get(activationId)),
  };
  return { transport, invocations };
}

function coordination(): RunCoordination & { abandoned: AbandonRequest[] } {
  const abandoned: AbandonRequest[] = [];
  return {
    abandoned,
    createRunCredentials: () => ({ runId: 'feedfacecafebeef', signingKey: 'stub-signing-key-never-shown' }),
    abandonSlave: (request) => {
      abandoned.push(request);
      return Promise.resolve({ delivered: true });
    },
  };
}

describe('runRound stops and reports', () => {
  it('stops waiting for the slaves at once when the leader fails, gives them up, and says there is no list', async () => {
    const { transport } = stub((params) =>
      params.id === undefined
        ? { ok: false, result: { error: 'leader: leaseMs must be…', code: 'BAD_PARAM' } }
        : 'never',
    );
    const coord = coordination();
    const executor = new FunctionExecutor({ transport, poll: { initialMs: 1, maxMs: 5 } });
    try {
      // Ten minutes of deadline: only the stop can end this round within mocha's timeout.
      const report = await runRound({
        executor,
        n: 3,
        amqpUrl: 'amqp://localhost',
        timeoutMs: 600_000,
        coordination: coord,
      });
      expect(report.failed.map((f) => f.error)).to.deep.equal(
        Array(3).fill('not awaited: the leader failed'),
      );
      expect(coord.abandoned.map((a) => a.slave).sort()).to.deep.equal([0, 1, 2]);
      expect(report).to.deep.include({ ok: false, listed: false, list: [] });
      const text = formatRound(report);
      expect(text).to.include('no list: no slave returned one');
      expect(text).to.include('list: none');
      expect(text).not.to.include('DISAGREE');
    } finally {
      await executor.close();
    }
  });

  it('when the leader fails, tells the slaves in its place, collects their failures and invokes none again', async () => {
    const announced: LeaderFailureRequest[] = [];
    const cleared: string[] = [];
    const coord: RunCoordination = {
      ...coordination(),
      announceLeaderFailure: (request) => {
        announced.push(request);
        return Promise.resolve('announced');
      },
      clearRun: ({ runId }) => {
        cleared.push(runId);
        return Promise.resolve();
      },
    };
    const failed = (activationId: string, result: Record<string, unknown>): ActivationRecord => ({
      activationId,
      start: 1000,
      end: 1010,
      duration: 10,
      response: { status: 'application error', success: false, result },
      annotations: [],
    });
    let invoked = 0;
    const transport: WhiskTransport = {
      invoke: () => Promise.resolve(`act${++invoked}`),
      // The leader has failed at once; the slaves fail only once they were told.
      getActivation: (activationId) =>
        Promise.resolve(
          activationId === 'act1'
            ? failed(activationId, { error: 'leader: cannot reach the broker', code: 'BROKER' })
            : announced.length === 0
              ? undefined
              : failed(activationId, { error: 'slave: the leader failed: …', code: 'LEADER_FAILED' }),
        ),
    };
    const executor = new FunctionExecutor({ transport, poll: { initialMs: 1, maxMs: 5 } });
    try {
      const report = await runRound({
        executor,
        n: 2,
        amqpUrl: 'amqp://localhost',
        retries: 2,
        timeoutMs: 600_000,
        coordination: coord,
      });
      expect(announced.map((a) => a.reason)).to.deep.equal([
        'leader activation act1 ended in failure (application error): leader: cannot reach the broker',
      ]);
      expect(report.retried).to.equal(0);
      expect(invoked).to.equal(3);
      expect(report.failed.map((f) => f.error)).to.deep.equal([
        'activation act2 of whisk-sync/slave failed (application error): slave: the leader failed: …',
        'activation act3 of whisk-sync/slave failed (application error): slave: the leader failed: …',
      ]);
      // Every activation ended: nothing is left to read the record the announce left.
      expect(cleared).to.deep.equal(['feedfacecafebeef']);
      expect(JSON.stringify(announced)).to.include('stub-signing-key-never-shown');
      expect(JSON.stringify(report)).not.to.include('stub-signing-key-never-shown');
    } finally {
      await executor.close();
    }
  });

  it('does not re-invoke a slave whose own callback failed, and passes the slave parameters', async () => {
    const { transport, invocations } = stub((params) => {
      if (params.id === undefined) return { ok: true, result: {} };
      if (params.id === 1)
        return { ok: false, result: { error: 'slave 1: its callback failed: no', code: 'CALLBACK_FAILED' } };
      return {
        ok: true,
        result: { id: params.id, value: { a: 1 }, list: [{ a: 1 }], position: 0, missing: [1], dropped: 0 },
      };
    });
    const executor = new FunctionExecutor({ transport, poll: { initialMs: 1, maxMs: 5 } });
    try {
      const report = await runRound({
        executor,
        n: 2,
        amqpUrl: 'amqp://localhost',
        retries: 3,
        slaveAction: 'mine/counter',
        slaveParams: { workMs: 5, label: 'x' },
        coordination: coordination(),
      });
      expect(report.retried).to.equal(0);
      expect(invocations).to.have.length(3);
      expect(invocations[1]).to.include({ workMs: 5, label: 'x', id: 0 });
      expect(report.list).to.deep.equal([{ a: 1 }]);
      expect(report.problems).to.deep.equal([
        'slave 1 failed: activation act3 of mine/counter failed (application error): slave 1: its callback failed: no',
        'the list has 1 values, expected 2',
      ]);
    } finally {
      await executor.close();
    }
  });

  it('refuses slave parameters that would override the round', async () => {
    const executor = new FunctionExecutor({ transport: stub(() => 'never').transport });
    try {
      let caught: unknown;
      await runRound({
        executor,
        n: 1,
        amqpUrl: 'amqp://localhost',
        slaveParams: { runId: 'x', id: 3 },
      }).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(TypeError);
      expect((caught as Error).message).to.equal(
        'slaveParams: slave parameters may not set runId, id: the round passes them itself',
      );
    } finally {
      await executor.close();
    }
  });
});
