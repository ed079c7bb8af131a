import { inspect } from 'node:util';

import { expect } from 'chai';

import {
  AbortedError,
  ActivationError,
  CapacityError,
  ExecutorClosedError,
  ExecutorTimeoutError,
  InvocationError,
} from '../../../src/executor/errors.js';
import { FunctionExecutor } from '../../../src/executor/executor.js';
import type { FunctionExecutorOptions } from '../../../src/executor/options.js';
import type { Progress } from '../../../src/executor/progress.js';
import { expectRejection } from './expect-rejection.js';
import { StubTransport, type StubPlan } from './stub-transport.js';
import { VirtualClock } from './virtual-clock.js';

type Plan = (action: string, params: Readonly<Record<string, unknown>>) => StubPlan;

describe('FunctionExecutor against a stub transport', () => {
  const executors: FunctionExecutor[] = [];
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
  });

  const setup = (plan?: Plan, options: FunctionExecutorOptions = {}) => {
    const clock = new VirtualClock();
    const stub = new StubTransport(clock, plan);
    const fexec = new FunctionExecutor({ transport: stub, clock, random: () => 0.5, ...options });
    executors.push(fexec);
    return { fexec, clock, stub };
  };

  describe('callAsync and futures', () => {
    it('moves a future through invoked, running and success, with stats from the record', async () => {
      const { fexec } = setup(() => ({ durationMs: 500, result: { answer: 42 } }));
      const future = await fexec.callAsync('pkg/echo', { x: 1 });
      expect(future.status).to.equal('invoked');
      expect(future.activationId).to.equal('stub0000');
      expect(future.stats).to.equal(undefined);

      const { done, notDone } = await fexec.wait([future], { returnWhen: 'ALWAYS' });
      expect(done).to.have.length(0);
      expect(notDone).to.deep.equal([future]);

      expect(await future.result()).to.deep.equal({ answer: 42 });
      expect(future.status).to.equal('success');
      expect(future.done).to.equal(true);
      expect(future.error).to.equal(undefined);
      expect(future.stats).to.deep.include({ duration: 500, waitTime: 7, initTime: 30 });
    });

    it('passes a copy of the parameters, so later changes by the caller are not sent', async () => {
      const { fexec, stub } = setup();
      const params = { list: [1, 2] };
      const future = await fexec.callAsync('a', params);
      params.list.push(3);
      expect(stub.invocations[0]!.params).to.deep.equal({ list: [1, 2] });
      expect(future.params).to.deep.equal({ list: [1, 2] });
    });

    it('reports a failed activation with its id, status, error result and logs', async () => {
      const { fexec } = setup(() => ({
        status: 'application error',
        result: { error: 'no grant before the deadline' },
        logs: ['2024-01-01T00:00:00.000Z stdout: waiting'],
      }));
      const future = await fexec.callAsync('pkg/slave', { id: 3 });
      const err = await expectRejection(future.result(), ActivationError);
      expect(err.code).to.equal('ACTIVATION_FAILED');
      expect(err.activationId).to.equal(future.activationId);
      expect(err.status).to.equal('application error');
      expect(err.result).to.deep.equal({ error: 'no grant before the deadline' });
      expect(err.logs).to.deep.equal(['2024-01-01T00:00:00.000Z stdout: waiting']);
      expect(err.message).to.contain(future.activationId).and.to.contain('no grant before the deadline');
      expect(future.status).to.equal('error');
      expect(future.error).to.equal(err);
      expect(await future.logs()).to.deep.equal(['2024-01-01T00:00:00.000Z stdout: waiting']);
    });

    it('re-invokes a failed call with the same parameters', async () => {
      let attempt = 0;
      const { fexec, stub } = setup(() =>
        attempt++ === 0
          ? { status: 'action developer error', result: { error: 'crash' } }
          : { result: { ok: true } },
      );
      const first = await fexec.callAsync('pkg/slave', { id: 7 });
      await fexec.wait([first]);
      expect(first.status).to.equal('error');
      const second = await first.retry();
      expect(second.activationId).not.to.equal(first.activationId);
      expect(await second.result()).to.deep.equal({ ok: true });
      expect(stub.invocations.map((i) => i.params)).to.deep.equal([{ id: 7 }, { id: 7 }]);
      const mapped = await fexec.map('pkg/slave', [{ id: 8 }, { id: 9 }]);
      expect((await mapped[1]!.retry()).index).to.equal(1);
      expect(first.status).to.equal('error');
    });
  });

  describe('invocation failures', () => {
    it('retries 429 with backoff and counts the retries', async () => {
      const { fexec, stub, clock } = setup(() => ({ throttle: 3 }));
      const future = await fexec.callAsync('a', {});
      expect(future.status).to.equal('invoked');
      expect(stub.invocations.map((i) => i.accepted)).to.deep.equal([false, false, false, true]);
      expect(fexec.stats()).to.deep.include({ invocations: 1, throttled: 3 });
      // Equal jitter with random 0.5: 75, 150, 300 ms.
      expect(clock.now()).to.equal(525);
    });

    it('gives up on 429 before the caller deadline, with a THROTTLED invocation error', async () => {
      const { fexec, clock } = setup(() => ({ throttle: Infinity }));
      const err = await expectRejection(
        fexec.callAsync('pkg/slave', {}, { timeoutMs: 3000 }),
        InvocationError,
      );
      expect(err.code).to.equal('INVOCATION_FAILED');
      expect(err.reason).to.equal('THROTTLED');
      expect(err.statusCode).to.equal(429);
      expect(err.message).to.match(/still throttled \(429\) after \d+ attempts/);
      expect(clock.now()).to.be.at.most(3000);
    });

    it('never retries a 502: the action ran', async () => {
      const { fexec, stub } = setup(() => ({
        refuse: { status: 502, message: 'The action did not produce a valid response' },
      }));
      const err = await expectRejection(fexec.callAsync('a', {}), InvocationError);
      expect(err.reason).to.equal('ACTION_FAILED');
      expect(stub.invocations).to.have.length(1);
    });

    it('names unknown actions, bad keys and unreachable hosts', async () => {
      const cases: [number | undefined, string, string][] = [
        [404, 'The requested resource does not exist.', 'NOT_FOUND'],
        [401, 'The supplied authentication is invalid', 'UNAUTHORIZED'],
        [undefined, 'connect ECONNREFUSED 127.0.0.1:9', 'NETWORK'],
        [400, 'The request content was malformed', 'REJECTED'],
        [503, 'Service Unavailable', 'SERVER_ERROR'],
      ];
      for (const [status, message, reason] of cases) {
        const { fexec } = setup(() => ({ refuse: { status, message } }));
        const err = await expectRejection(fexec.callAsync('pkg/missing', {}), InvocationError);
        expect(err.reason).to.equal(reason);
        expect(err.action).to.equal('pkg/missing');
        expect(err.message).to.contain('invoking pkg/missing failed').and.to.contain(message);
      }
    });

    it('stops a map at the first refused invocation and fails the items not invoked', async () => {
      const { fexec, stub } = setup(
        (_a, p) => (p['id'] === 2 ? { refuse: { status: 404, message: 'not found' } } : {}),
        { invokeConcurrency: 1 },
      );
      const err = await expectRejection(
        fexec.map(
          'pkg/slave',
          [0, 1, 2, 3, 4].map((id) => ({ id })),
        ),
        InvocationError,
      );
      expect(err.reason).to.equal('NOT_FOUND');
      expect(stub.invocations.map((i) => i.params['id'])).to.deep.equal([0, 1, 2]);
      expect(fexec.futures.map((f) => f.status)).to.deep.equal([
        'invoked',
        'invoked',
        'error',
        'error',
        'error',
      ]);
      expect(fexec.futures[4]!.error).to.equal(err);
    });
  });

  describe('map, wait and getResult', () => {
    it('keeps input order and merges item parameters over extraParams', async () => {
      // Later items finish first.
      const { fexec, stub } = setup((_a, p) => ({
        durationMs: 1000 - Number(p['id']) * 100,
        result: { id: p['id'] },
      }));
      const futures = await fexec.map(
        'pkg/slave',
        [0, 1, 2, 3, 4].map((id) => ({ id })),
        { extraParams: { n: 5, id: -1 } },
      );
      expect(futures.map((f) => f.index)).to.deep.equal([0, 1, 2, 3, 4]);
      expect(stub.invocations[3]!.params).to.deep.equal({ n: 5, id: 3 });
      const results = await fexec.getResult(futures);
      expect(results).to.deep.equal([0, 1, 2, 3, 4].map((id) => ({ id })));
    });

    it('ANY_COMPLETED returns as soon as one future has finished', async () => {
      const { fexec } = setup((_a, p) => ({ durationMs: p['id'] === 1 ? 200 : 10_000 }));
      const futures = await fexec.map(
        'a',
        [0, 1, 2].map((id) => ({ id })),
      );
      const { done, notDone } = await fexec.wait(futures, { returnWhen: 'ANY_COMPLETED' });
      expect(done).to.deep.equal([futures[1]]);
      expect(notDone).to.deep.equal([futures[0], futures[2]]);
    });

    it('ALL_COMPLETED counts failed activations as done without throwing', async () => {
      const { fexec } = setup((_a, p) =>
        p['id'] === 0 ? { status: 'application error', result: { error: 'x' } } : {},
      );
      const futures = await fexec.map(
        'a',
        [0, 1].map((id) => ({ id })),
      );
      const { done, notDone } = await fexec.wait(futures);
      expect(done.map((f) => f.status)).to.deep.equal(['error', 'success']);
      expect(notDone).to.deep.equal([]);
    });

    it('getResult throws the first failure, or leaves its slot undefined with throwExcept false', async () => {
      const { fexec } = setup((_a, p) =>
        p['id'] === 1
          ? { status: 'application error', result: { error: 'bad' } }
          : { result: { id: p['id'] } },
      );
      const futures = await fexec.map(
        'a',
        [0, 1, 2].map((id) => ({ id })),
      );
      const err = await expectRejection(fexec.getResult(futures), ActivationError);
      expect(err.activationId).to.equal(futures[1]!.activationId);
      expect(await fexec.getResult(futures, { throwExcept: false })).to.deep.equal([
        { id: 0 },
        undefined,
        { id: 2 },
      ]);
    });

    it('getResult without futures waits for every future of the executor', async () => {
      const { fexec } = setup((_a, p) => ({ result: { v: p['v'] } }));
      await fexec.callAsync('a', { v: 'leader' });
      await fexec.map('b', [{ v: 1 }, { v: 2 }]);
      expect(await fexec.getResult()).to.deep.equal([{ v: 'leader' }, { v: 1 }, { v: 2 }]);
    });

    it('times out naming the unfinished activations', async () => {
      const { fexec, clock } = setup((_a, p) => ({ durationMs: p['id'] === 0 ? 100 : 60_000 }));
      const futures = await fexec.map(
        'a',
        [0, 1, 2].map((id) => ({ id })),
      );
      const err = await expectRejection(fexec.getResult(futures, { timeoutMs: 5000 }), ExecutorTimeoutError);
      expect(err.code).to.equal('TIMEOUT');
      expect(err.unfinished).to.deep.equal([futures[1]!.activationId, futures[2]!.activationId]);
      expect(err.message)
        .to.contain('2 of 3 activations unfinished')
        .and.to.contain(futures[2]!.activationId);
      expect(clock.now()).to.equal(5000);
      expect(futures[0]!.status).to.equal('success');
    });

    it('reports progress counts until every future has finished', async () => {
      const seen: Progress[] = [];
      const { fexec } = setup((_a, p) => ({ durationMs: 300 * (1 + Number(p['id'])) }));
      const futures = await fexec.map(
        'a',
        [0, 1, 2].map((id) => ({ id })),
      );
      await fexec.wait(futures, { onProgress: (p) => seen.push(p) });
      const last = seen.at(-1)!;
      expect(last).to.deep.equal({
        total: 3,
        pending: 0,
        invoked: 0,
        running: 0,
        succeeded: 3,
        failed: 0,
        finished: 3,
      });
      expect(seen.some((p) => p.running > 0 && p.finished < 3)).to.equal(true);
      expect(seen.map((p) => p.finished)).to.deep.equal([...seen.map((p) => p.finished)].sort());
    });

    it('stops waiting when the signal aborts', async () => {
      const { fexec } = setup(() => ({ durationMs: 60_000 }));
      const future = await fexec.callAsync('a');
      const controller = new AbortController();
      const waiting = fexec.wait([future], { signal: controller.signal });
      controller.abort();
      const err = await expectRejection(waiting, AbortedError);
      expect(err.code).to.equal('ABORTED');
    });

    it('polls a thousand activations with bounded concurrency and backoff', async function () {
      const { fexec } = setup((_a, p) => ({ durationMs: 2000 + (Number(p['id']) % 50) * 60 }));
      const futures = await fexec.map(
        'a',
        Array.from({ length: 1000 }, (_, id) => ({ id })),
      );
      const results = await fexec.getResult(futures);
      expect(results).to.have.length(1000);
      const stats = fexec.stats();
      expect(stats.maxPollsInFlight).to.be.at.most(16);
      // Intervals 100, 150, 225, ... capped at 1000 ms reach a 5 s run in about a dozen polls.
      expect(stats.polls / 1000).to.be.below(15);
      this.test!.title += ` (${(stats.polls / 1000).toFixed(1)} GETs per activation, max ${stats.maxPollsInFlight} in flight)`;
    });

    it('fails a future after repeated read errors, but survives a few', async () => {
      const { fexec } = setup((_a, p) => ({
        getFailures: p['id'] === 0 ? [500, undefined] : [500, 500, 500, 500, 500],
      }));
      const [flaky, broken] = await fexec.map('a', [{ id: 0 }, { id: 1 }]);
      await fexec.wait([flaky!, broken!]);
      expect(flaky!.status).to.equal('success');
      expect(broken!.error).to.be.instanceOf(InvocationError);
      expect((broken!.error as InvocationError).reason).to.equal('SERVER_ERROR');
    });
  });

  describe('capacity, validation and close', () => {
    it('refuses work that needs more concurrent activations than the limit', async () => {
      const { fexec } = setup(undefined, { concurrencyLimit: 10 });
      expect(await fexec.checkCapacity(10)).to.equal(10);
      const err = await expectRejection(
        fexec.checkCapacity(11, 'a run of 1 leader and 10 slaves'),
        CapacityError,
      );
      expect(err.code).to.equal('CAPACITY_EXCEEDED');
      expect(err.message).to.match(/^a run of 1 leader and 10 slaves must run at the same time.*at most 10/);
      expect(err).to.deep.include({ required: 11, limit: 10 });
    });

    it('lets any run through when the limit is unknown', async () => {
      const { fexec } = setup();
      expect(await fexec.checkCapacity(5000)).to.equal(undefined);
    });

    it('rejects bad arguments with a TypeError naming them', async () => {
      const { fexec } = setup();
      expect(() => new FunctionExecutor({ poll: { concurrency: 0 } })).to.throw(
        TypeError,
        /poll.concurrency/,
      );
      await expectRejection(fexec.callAsync(''), TypeError);
      const bad = await expectRejection(
        fexec.map('a', [{ id: 0 }, 7 as unknown as Record<string, unknown>]),
        TypeError,
      );
      expect(bad.message).to.equal('iterdata[1] must be a plain object of parameters, got number');
      const other = setup().fexec;
      const foreign = await other.callAsync('a');
      await expectRejection(fexec.wait([foreign]), TypeError);
      await expectRejection(fexec.wait([foreign], { returnWhen: 'SOME' as 'ALWAYS' }), TypeError);
    });

    it('close fails pending waits and refuses new calls', async () => {
      const { fexec } = setup(() => ({ durationMs: 60_000 }));
      const future = await fexec.callAsync('a');
      const waiting = fexec.wait([future]);
      await fexec.close();
      await expectRejection(waiting, ExecutorClosedError);
      await expectRejection(fexec.callAsync('a'), ExecutorClosedError);
      await fexec.close();
    });

    it('starts the embedded controller when nothing is configured, and stops it on close', async () => {
      let closed = 0;
      const startStub = (options?: { namespace?: string }) =>
        Promise.resolve({
          apihost: 'http://127.0.0.1:9',
          auth: 'uuid:stub-key',
          namespace: options?.namespace ?? 'guest',
          limits: { concurrent: 30, perMinute: 600 },
          close: () => {
            closed++;
            return Promise.resolve();
          },
        });
      const fexec = new FunctionExecutor({
        environment: { env: {}, homedir: '/nonexistent', readFile: () => undefined },
        startLocalWhisk: startStub,
        local: { namespace: 'ns1' },
      });
      const target = await fexec.ready();
      expect(target).to.deep.include({
        source: 'local',
        apihost: 'http://127.0.0.1:9',
        namespace: 'ns1',
        concurrencyLimit: 30,
      });
      expect(target.client).not.to.equal(undefined);
      expect(target.localWhisk?.auth).to.equal('uuid:stub-key');
      expect(JSON.stringify(target)).not.to.contain('stub-key');
      expect(inspect(target, { depth: 8 })).not.to.contain('stub-key');
      await expectRejection(fexec.checkCapacity(31), CapacityError);
      await fexec.close();
      expect(closed).to.equal(1);
    });

    it('keeps the API key out of the printed target of a remote OpenWhisk', async () => {
      const key = 'uuid-1:0123456789abcdef0123456789abcdef';
      const fexec = new FunctionExecutor({
        apihost: 'https://openwhisk.example.invalid',
        apiKey: key,
        environment: { env: {}, homedir: '/nonexistent', readFile: () => undefined },
      });
      const target = await fexec.ready();
      expect(target.client).not.to.equal(undefined);
      expect(JSON.stringify(target)).not.to.contain('0123456789abcdef');
      expect(inspect(target, { depth: 8 })).not.to.contain('0123456789abcdef');
      await fexec.close();
    });

    it('leaves a controller it was given running', async () => {
      let closed = 0;
      const fexec = new FunctionExecutor({
        target: 'local',
        localWhisk: {
          apihost: 'http://127.0.0.1:9',
          auth: 'u:k',
          namespace: 'guest',
          limits: { concurrent: 5, perMinute: 60 },
          close: () => {
            closed++;
            return Promise.resolve();
          },
        },
      });
      expect((await fexec.ready()).source).to.equal('local');
      await fexec.close();
      expect(closed).to.equal(0);
    });
  });
});
