import { expect } from 'chai';
import {
  checkClockTime,
  halfwayTo,
  msUntil,
  resolveDeadline,
  wallClockMs,
} from '../../../src/protocol/deadline.js';

describe('deadlines: one clock, one helper', () => {
  it('orders the times of a deadline: waits stop, then the last confirms and cleanup end, then the platform kills', () => {
    const now = 1_000_000;
    for (const margins of [1, 2]) {
      const d = resolveDeadline({ __OW_DEADLINE: String(now + 10_000) }, undefined, now, margins);
      expect(d.at).to.equal(now + 10_000);
      expect(d.stopWaitingAt).to.equal(now + 10_000 - margins * 1000);
      expect(d.finishBy).to.be.above(d.stopWaitingAt).and.below(d.at);
    }
  });

  it('takes timeoutMs when __OW_DEADLINE is absent or invalid', () => {
    expect(resolveDeadline({ __OW_DEADLINE: 'soon' }, 500, 0)).to.deep.include({
      at: 500,
      stopWaitingAt: 300,
    });
  });

  it('never gives a wait a negative length, and caps it', () => {
    expect(msUntil(wallClockMs() - 1000)).to.equal(0);
    expect(msUntil(wallClockMs() + 60_000, 5000)).to.equal(5000);
  });

  it('ends a wait halfway to a later one, capped, and never before now', () => {
    const before = wallClockMs();
    const by = before + 60_000;
    const half = halfwayTo(by);
    expect(half)
      .to.be.at.most(by)
      .and.at.least(before + 29_000);
    expect(halfwayTo(by, 100)).to.be.at.most(wallClockMs() + 100);
    expect(halfwayTo(before - 1000)).to.be.at.least(before);
  });

  it('refuses a duration where a time on the clock is expected', () => {
    expect(() => {
      checkClockTime(5000, 'openChannel: by');
    }).to.throw(TypeError, /openChannel: by must be a time on wallClockMs/);
    expect(() => {
      checkClockTime(wallClockMs(), 'by');
    }).not.to.throw();
  });
});
