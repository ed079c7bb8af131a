import { expect } from 'chai';

import { APPEND_ROUTES } from '../../../src/protocol/messages.js';
import {
  CONCURRENCIES,
  DEFAULT_MAX_N,
  FAULT_KINDS,
  LEASE_RANGE_MS,
  planRound,
  planSoak,
} from '../../../src/soak/plan.js';
import { createPrng } from '../../../src/soak/prng.js';

describe('soak plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planSoak(42, 30)).to.deep.equal(planSoak(42, 30));
    expect(planSoak(43, 30)).not.to.deep.equal(planSoak(42, 30));
  });

  it('gives round i of seed S the plan of round 0 of seed S + i, so one round replays alone', () => {
    const soak = planSoak(1000, 10);
    for (const round of soak) {
      expect(round.seed).to.equal(1000 + round.index);
      expect({ ...planRound(round.seed, 0), index: round.index }).to.deep.equal(round);
    }
  });

  it('draws every choice within its range and uses every fault kind, route and concurrency', () => {
    const rounds = planSoak(7, 400, { maxN: 12, maxRetries: 3 });
    for (const r of rounds) {
      expect(r.n).to.be.within(1, 12);
      expect(CONCURRENCIES).to.include(r.concurrency);
      expect(r.retries).to.be.within(0, 3);
      expect(r.leaseMs).to.be.within(...LEASE_RANGE_MS);
      if (r.fault.kind === 'pause') expect(r.fault.pauseMs).to.be.above(r.leaseMs);
      if ('target' in r.fault && r.fault.target.role === 'slave') {
        expect(r.fault.target.container).to.be.below(Math.ceil(r.n / r.concurrency));
      }
    }
    expect(new Set(rounds.map((r) => r.fault.kind))).to.deep.equal(new Set(FAULT_KINDS));
    expect(new Set(rounds.map((r) => r.route))).to.deep.equal(new Set(APPEND_ROUTES));
    expect(new Set(rounds.map((r) => r.concurrency))).to.deep.equal(new Set(CONCURRENCIES));
    expect(Math.max(...planSoak(7, 400).map((r) => r.n))).to.equal(DEFAULT_MAX_N);
  });

  it('wraps the round seed at 2^32 - 1', () => {
    expect(planRound(0xffff_ffff, 1).seed).to.equal(0);
  });

  it('has a generator whose integers cover their range evenly enough', () => {
    const random = createPrng(5);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[random.int(0, 3)]!++;
    for (const count of counts) expect(count).to.be.within(850, 1150);
  });
});
