import { expect } from 'chai';

import { MemorySampler, procMemory } from '../../../src/bench/memory.js';

describe('bench memory sampling', () => {
  it('reads a live process: its proportional share is at most its resident size', () => {
    const { rss, pss } = procMemory(process.pid);
    expect(rss).to.be.a('number').above(0);
    expect(pss).to.be.a('number').above(0);
    expect(pss!).to.be.at.most(rss!);
  });

  it('gives nothing for a process that does not exist', () => {
    expect(procMemory(2 ** 22 + 1)).to.deep.equal({ rss: undefined, pss: undefined });
  });

  it('keeps a peak per group and for all groups together', () => {
    const sampler = new MemorySampler(() => ({ one: [process.pid], none: [] as number[] }));
    sampler.start();
    const peaks = sampler.stop();
    expect(peaks.one.pss).to.be.above(0);
    expect(peaks.none).to.deep.equal({ pss: 0, rss: 0 });
    expect(peaks.all.pss).to.be.at.least(peaks.one.pss);
  });
});
