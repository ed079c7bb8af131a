import { expect } from 'chai';

import { backoffDelay, retryWhile, type BackoffPolicy } from '../../../src/executor/backoff.js';
import { expectRejection } from './expect-rejection.js';
import { VirtualClock } from './virtual-clock.js';

const policy: BackoffPolicy = { initialMs: 100, factor: 2, maxMs: 1000 };

class Throttled extends Error {}
class Fatal extends Error {}

describe('throttle backoff', () => {
  it('doubles the ceiling per attempt, caps it, and jitters within its upper half', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0))).to.deep.equal([
      50, 100, 200, 400, 500, 500,
    ]);
    expect(
      [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999)).map(Math.round),
    ).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
  });

  it('retries while the error is retryable and returns the first success', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const value = await retryWhile(
      () => (++calls < 4 ? Promise.reject(new Throttled()) : Promise.resolve('ok')),
      (err) => err instanceof Throttled,
      { clock, random: () => 0.5, policy, deadline: 10_000 },
      () => new Error('gave up'),
      () => new Error('aborted'),
    );
    expect(value).to.equal('ok');
    expect(calls).to.equal(4);
    expect(clock.sleeps).to.deep.equal([75, 150, 300]);
  });

  it('does not retry other errors', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const attempt = retryWhile(
      () => {
        calls++;
        return Promise.reject(new Fatal('502'));
      },
      (err) => err instanceof Throttled,
      { clock, random: () => 0.5, policy, deadline: 10_000 },
      () => new Error('gave up'),
      () => new Error('aborted'),
    );
    await expectRejection(attempt, Fatal);
    expect(calls).to.equal(1);
  });

  it('gives up instead of sleeping past the deadline', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const attempt = retryWhile(
      () => {
        calls++;
        return Promise.reject(new Throttled());
      },
      () => true,
      { clock, random: () => 1, policy, deadline: 2_000 },
      (_last, attempts) => new Error(`gave up after ${attempts}`),
      () => new Error('aborted'),
    );
    const err = await expectRejection(attempt, Error);
    // Delays 100, 200, 400, 800 end at 1500; the next (1000) would end at 2500 > 2000.
    expect(err.message).to.equal('gave up after 5');
    expect(calls).to.equal(5);
    expect(clock.now()).to.equal(1500);
  });

  it('stops when the signal aborts during a delay', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    let calls = 0;
    const attempt = retryWhile(
      () => {
        if (++calls === 2) controller.abort();
        return Promise.reject(new Throttled());
      },
      () => true,
      { clock, random: () => 0, policy, deadline: 60_000, signal: controller.signal },
      () => new Error('gave up'),
      () => new Error('aborted'),
    );
    const err = await expectRejection(attempt, Error);
    expect(err.message).to.equal('aborted');
    expect(calls).to.equal(2);
  });
});
