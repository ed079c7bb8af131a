import { expect } from 'chai';

import { measureInvocationRate } from '../../../src/bench/invocation-rate.js';

describe('bench: invocations/s on the embedded controller', function () {
  this.timeout(120_000);

  it('invokes every no-op activation through the executor and counts them all completed', async () => {
    const figures = await measureInvocationRate(300, 50);
    expect(figures.activations).to.equal(300);
    expect(figures.failed).to.equal(0);
    expect(figures.containers).to.be.at.least(1);
    expect(figures.acceptedPerSecond).to.be.above(0);
    expect(figures.completedPerSecond).to.be.above(0);
  });

  it('gives every activation a container of its own at a concurrency of 1', async () => {
    const figures = await measureInvocationRate(20, 1);
    expect(figures.failed).to.equal(0);
    expect(figures.activations).to.equal(20);
  });
});
