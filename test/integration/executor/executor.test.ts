import { expect } from 'chai';
import openwhisk from 'openwhisk';

import {
  ActivationError,
  CapacityError,
  ExecutorTimeoutError,
  InvocationError,
} from '../../../src/executor/errors.js';
import { FunctionExecutor } from '../../../src/executor/executor.js';
import type { Progress } from '../../../src/executor/progress.js';
import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { expectRejection } from '../../unit/executor/expect-rejection.js';

/** Tiny actions, created through the SDK as a user would. */
const ACTIONS: Record<string, string> = {
  // Finishes later for lower ids, so completion order is the reverse of input order.
  echo: `function main(p) {
    return new Promise((resolve) => setTimeout(() => resolve({ id: p.id, n: p.n }), (20 - (p.id || 0)) * 15));
  }`,
  'app-error': `function main(p) { console.log('refusing ' + p.id); return { error: 'refused ' + p.id }; }`,
  'dev-error': `function main() { console.log('about to crash'); throw new Error('boom'); }`,
  slow: `function main(p) { return new Promise((resolve) => setTimeout(() => resolve({ slept: p.ms }), p.ms)); }`,
  flaky: `let calls = 0; function main(p) { calls++; return calls === 1 ? { error: 'first call fails' } : { calls, id: p.id }; }`,
};

async function deploy(whisk: LocalWhisk, names: string[]): Promise<void> {
  const ow = openwhisk({ apihost: whisk.apihost, api_key: whisk.auth });
  await ow.packages.update({ name: 'fixtures' });
  for (const name of names) {
    await ow.actions.update({ name: `fixtures/${name}`, action: ACTIONS[name]!, kind: 'nodejs:default' });
  }
}

describe('FunctionExecutor against the embedded controller through the openwhisk SDK', function () {
  let whisk: LocalWhisk;
  let fexec: FunctionExecutor;

  before(async function () {
    whisk = await startLocalWhisk({ defaultConcurrency: 4 });
    await deploy(whisk, Object.keys(ACTIONS));
  });
  beforeEach(function () {
    fexec = new FunctionExecutor({ target: 'local', localWhisk: whisk, poll: { initialMs: 20, maxMs: 200 } });
  });
  afterEach(async function () {
    await fexec.close();
  });
  after(async function () {
    await whisk.close();
  });

  it('maps 20 calls and returns the results in input order', async function () {
    const seen: Progress[] = [];
    const futures = await fexec.map(
      'fixtures/echo',
      Array.from({ length: 20 }, (_, id) => ({ id })),
      { extraParams: { n: 20 } },
    );
    expect(new Set(futures.map((f) => f.activationId)).size).to.equal(20);
    const results = await fexec.getResult(futures, { timeoutMs: 60_000, onProgress: (p) => seen.push(p) });
    expect(results).to.deep.equal(Array.from({ length: 20 }, (_, id) => ({ id, n: 20 })));
    expect(seen.at(-1)).to.deep.include({ total: 20, succeeded: 20, finished: 20 });
    for (const f of futures) {
      expect(f.status).to.equal('success');
      expect(f.stats?.duration).to.be.a('number');
      expect(f.stats?.waitTime).to.be.a('number');
    }
  });

  it('wait ANY_COMPLETED returns the finished call and leaves the slow ones', async function () {
    const slow = await fexec.map('fixtures/slow', [{ ms: 8000 }, { ms: 8000 }]);
    const fast = await fexec.callAsync('fixtures/slow', { ms: 1 });
    const { done, notDone } = await fexec.wait([...slow, fast], {
      returnWhen: 'ANY_COMPLETED',
      timeoutMs: 30_000,
    });
    expect(done).to.deep.equal([fast]);
    expect(notDone).to.deep.equal(slow);

    const always = await fexec.wait(slow, { returnWhen: 'ALWAYS' });
    expect(always.notDone).to.deep.equal(slow);
    expect(slow.map((f) => f.status)).to.satisfy((s: string[]) =>
      s.every((x) => x === 'invoked' || x === 'running'),
    );
  });

  it('wait ALL_COMPLETED counts failures as done and getResult throws the first', async function () {
    const futures = [
      await fexec.callAsync('fixtures/slow', { ms: 1 }),
      await fexec.callAsync('fixtures/app-error', { id: 1 }),
      await fexec.callAsync('fixtures/dev-error'),
    ];
    const { done, notDone } = await fexec.wait(futures, { timeoutMs: 30_000 });
    expect(done).to.have.length(3);
    expect(notDone).to.have.length(0);

    const appError = await expectRejection(fexec.getResult(futures), ActivationError);
    expect(appError.activationId).to.equal(futures[1]!.activationId);
    expect(appError.status).to.equal('application error');
    expect(appError.result).to.deep.equal({ error: 'refused 1' });
    expect(appError.logs.join('\n')).to.contain('stdout: refusing 1');

    const devError = futures[2]!.error as ActivationError;
    expect(devError.code).to.equal('ACTIVATION_FAILED');
    expect(devError.status).to.equal('action developer error');
    expect(await futures[2]!.logs()).to.satisfy((lines: string[]) =>
      lines.some((l) => l.includes('about to crash')),
    );

    expect(await fexec.getResult(futures, { throwExcept: false })).to.deep.equal([
      { slept: 1 },
      undefined,
      undefined,
    ]);
  });

  it('re-invokes a failed call with the same parameters', async function () {
    const first = await fexec.callAsync('fixtures/flaky', { id: 9 });
    await expectRejection(first.result({ timeoutMs: 30_000 }), ActivationError);
    const second = await first.retry();
    expect(await second.result({ timeoutMs: 30_000 })).to.deep.include({ id: 9 });
  });

  it('times out naming the activations still unfinished', async function () {
    const fast = await fexec.callAsync('fixtures/slow', { ms: 1 });
    const slow = await fexec.callAsync('fixtures/slow', { ms: 8000 });
    await fast.result({ timeoutMs: 30_000 });
    const err = await expectRejection(
      fexec.getResult([fast, slow], { timeoutMs: 300 }),
      ExecutorTimeoutError,
    );
    expect(err.code).to.equal('TIMEOUT');
    expect(err.unfinished).to.deep.equal([slow.activationId]);
    expect(err.message).to.contain(slow.activationId).and.not.to.contain(fast.activationId);
  });

  it('names an unknown action', async function () {
    const err = await expectRejection(fexec.callAsync('fixtures/missing'), InvocationError);
    expect(err.reason).to.equal('NOT_FOUND');
    expect(err.statusCode).to.equal(404);
    expect(err.message).to.contain('fixtures/missing');
  });

  it('names a wrong API key without showing it', async function () {
    const wrongKey = 'c0ffee00-0000-4000-8000-000000000000:not-the-right-key-0123456789';
    const remote = new FunctionExecutor({ target: 'remote', apihost: whisk.apihost, apiKey: wrongKey });
    try {
      const target = await remote.ready();
      expect(target.source).to.equal('options');
      const err = await expectRejection(remote.callAsync('fixtures/echo'), InvocationError);
      expect(err.reason).to.equal('UNAUTHORIZED');
      expect(err.message).not.to.contain('not-the-right-key');
    } finally {
      await remote.close();
    }
  });

  it('names an unreachable host', async function () {
    const remote = new FunctionExecutor({
      apihost: 'http://127.0.0.1:9',
      apiKey: 'u:k',
      requestTimeoutMs: 5000,
    });
    try {
      const err = await expectRejection(
        remote.callAsync('fixtures/echo', {}, { timeoutMs: 5000 }),
        InvocationError,
      );
      expect(err.reason).to.equal('NETWORK');
      expect(err.message).to.contain('ECONNREFUSED');
    } finally {
      await remote.close();
    }
  });
});

describe('FunctionExecutor with a low throttle on the embedded controller', function () {
  it('retries 429 until every call is accepted, and refuses a run above the limit', async function () {
    const whisk = await startLocalWhisk({ maxConcurrent: 2, defaultConcurrency: 2 });
    const fexec = new FunctionExecutor({
      target: 'local',
      localWhisk: whisk,
      invokeConcurrency: 6,
      throttleBackoff: { initialMs: 50, maxMs: 400 },
      poll: { initialMs: 20, maxMs: 200 },
    });
    try {
      await deploy(whisk, ['slow']);
      const err = await expectRejection(
        fexec.checkCapacity(3, 'a run of 1 leader and 2 slaves'),
        CapacityError,
      );
      expect(err.message).to.match(/at most 2 concurrent/);
      const futures = await fexec.map(
        'fixtures/slow',
        Array.from({ length: 6 }, () => ({ ms: 200 })),
        {
          timeoutMs: 60_000,
        },
      );
      const results = await fexec.getResult(futures, { timeoutMs: 60_000 });
      expect(results).to.deep.equal(Array.from({ length: 6 }, () => ({ slept: 200 })));
      expect(fexec.stats().throttled).to.be.above(0);
      expect(fexec.stats().invocations).to.equal(6);
    } finally {
      await fexec.close();
      await whisk.close();
    }
  });
});

describe('FunctionExecutor starting its own embedded controller', function () {
  it('starts it when asked and stops it on close', async function () {
    const fexec = new FunctionExecutor({ target: 'local', local: { prewarmContainers: 0 } });
    const target = await fexec.ready();
    expect(target.source).to.equal('local');
    expect(target.apihost).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(target.concurrencyLimit).to.equal(2000);
    // Authenticated and answered: a missing action is a 404, a rejected key would be a 401.
    const missing = await target.client!.actions.get({ name: 'no-such-action' }).then(
      () => undefined,
      (error: unknown) => (error as { statusCode?: number }).statusCode,
    );
    expect(missing).to.equal(404);
    await fexec.close();
    const reachable = await fetch(`${target.apihost!}/api/v1`).then(
      () => true,
      () => false,
    );
    expect(reachable).to.equal(false);
  });
});
