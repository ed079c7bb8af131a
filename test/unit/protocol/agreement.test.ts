import { expect } from 'chai';
import { MAX_VALUE } from '../../../src/protocol/limits.js';
import type { Entry } from '../../../src/protocol/messages.js';
import { simulate } from './in-memory-run.js';

function lists(outcomes: ReturnType<typeof simulate>['outcomes']): (readonly Entry[])[] {
  return [...outcomes.values()].flatMap((o) => (o?.ok === true ? [o.list] : []));
}

describe('leader and slaves over an adversarial in-memory broker', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const appendRoute = seed % 2 === 0 ? 'fanout' : 'leader';
    it(`agree on one list with reordering, redelivery, late starts and injected messages (seed ${seed}, ${appendRoute} route)`, () => {
      const n = 4 + (seed % 5) * 3;
      const { outcomes, leader, dropped } = simulate({ n, seed, duplicate: 0.2, inject: 0.05, appendRoute });
      expect(dropped, 'duplicates and injected messages were dropped').to.be.greaterThan(0);
      const all = lists(outcomes);
      expect(all, 'every slave returned a list').to.have.length(n);
      const first = all[0]!;
      for (const list of all) expect(list).to.deep.equal(first);
      expect(first.map(([slave]) => slave).sort((a, b) => a - b)).to.deep.equal([...Array(n).keys()]);
      for (const [, value] of first) expect(value).to.be.within(0, MAX_VALUE);
      expect(leader.outcome?.complete).to.equal(true);
      // The list is the order of the leader's commits.
      const commits = leader.history.flatMap((e) => (e.type === 'commit' ? [[e.slave, e.value]] : []));
      expect(first).to.deep.equal(commits);
    });
  }

  it("over the fanout, without faults, no slave drops another's append", () => {
    const { outcomes, dropped } = simulate({ n: 12, seed: 21 });
    expect(lists(outcomes)).to.have.length(12);
    expect(dropped).to.equal(0);
  });

  it('leaves out a slave that died holding the grant, and everyone else agrees', () => {
    const { outcomes, leader } = simulate({ n: 6, seed: 11, duplicate: 0.1, dieOnGrant: [2], endBy: 20_000 });
    const all = lists(outcomes);
    expect(all).to.have.length(5);
    for (const list of all) expect(list).to.deep.equal(all[0]);
    expect(all[0]!.map(([s]) => s)).not.to.include(2);
    expect(
      leader.history.some((e) => e.type === 'revoke' && e.slave === 2 && e.reason === 'lease expired'),
    ).to.equal(true);
    expect(leader.outcome?.missing.map((m) => m.slave)).to.deep.equal([2]);
  });

  it('ends as soon as the client abandons a slave that never starts', () => {
    const { outcomes, leader } = simulate({ n: 4, seed: 5, absent: [3], abandon: [3] });
    expect(leader.outcome?.complete).to.equal(false);
    expect(leader.outcome?.missing).to.deep.equal([{ slave: 3, why: 'abandoned by the client' }]);
    const all = lists(outcomes);
    expect(all).to.have.length(3);
    for (const list of all) expect(list).to.deep.equal(all[0]);
    const end = leader.history.find((e) => e.type === 'commit' && e.position === 2);
    expect(end, 'three commits').not.to.equal(undefined);
  });

  it('ends at its deadline without a slave that never starts and is never abandoned', () => {
    const { outcomes, leader } = simulate({ n: 4, seed: 6, absent: [3], endBy: 10_000 });
    expect(leader.outcome?.missing).to.deep.equal([{ slave: 3, why: 'never registered' }]);
    const all = lists(outcomes);
    expect(all).to.have.length(3);
    for (const list of all) expect(list).to.deep.equal(all[0]);
  });
});
