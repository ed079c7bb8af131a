import { expect } from 'chai';

import type { SlaveResult } from '../../../src/protocol/params.js';
import type { CollectedSlave } from '../../../src/run/collect-slave.js';
import { judgeRound } from '../../../src/run/judge-round.js';

const returned = (id: number, list: SlaveResult['list'], missing: number[] = []): CollectedSlave => ({
  result: { id, value: list[id] ?? null, list, position: id, missing, dropped: 1 },
});
const failed = (id: number, error = 'killed'): CollectedSlave => ({
  failure: { id, attempts: 1, activationIds: [], error },
});
const leaderOk = { ok: true } as const;

describe('judgeRound (pure: the verdict from the outcomes alone)', () => {
  it('a complete round of any JSON values is ok; objects compare as JSON, whatever their key order', () => {
    const a = [{ x: 1, y: [true, null] }, 'two'];
    const b = [{ y: [true, null], x: 1 }, 'two'];
    const verdict = judgeRound({
      n: 2,
      leader: leaderOk,
      slaves: [returned(0, a), returned(1, b)],
      drawnValues: false,
    });
    expect(verdict).to.deep.include({ ok: true, agree: true, listed: true, problems: [], dropped: 2 });
    expect(verdict.list).to.equal(a);
  });

  it('finds disagreeing lists', () => {
    const verdict = judgeRound({
      n: 2,
      leader: leaderOk,
      slaves: [returned(0, [1, { k: 2 }]), returned(1, [1, { k: 3 }])],
      drawnValues: false,
    });
    expect(verdict.agree).to.equal(false);
    expect(verdict.problems).to.deep.equal(['the slaves returned different lists']);
  });

  it('holds values to 0..1000 only for the shipped slave', () => {
    const slaves = [returned(0, [5, 'x']), returned(1, [5, 'x'])];
    expect(judgeRound({ n: 2, leader: leaderOk, slaves, drawnValues: false }).ok).to.equal(true);
    expect(judgeRound({ n: 2, leader: leaderOk, slaves, drawnValues: true }).problems).to.deep.equal([
      'the list holds values outside 0..1000: "x"',
    ]);
  });

  it('says so when the round has no list', () => {
    const verdict = judgeRound({
      n: 2,
      leader: { ok: false, error: 'leader: leaseMs must be an integer from 10 to 3600000 (got 5)' },
      slaves: [failed(0, 'not awaited: the leader failed'), failed(1, 'not awaited: the leader failed')],
      drawnValues: true,
    });
    expect(verdict).to.deep.include({ ok: false, agree: false, listed: false, list: [] });
    expect(verdict.problems).to.include('no list: no slave returned one');
    expect(verdict.problems[0]).to.match(/^leader failed: /);
  });

  it('names failed slaves and a short list, and gathers the missing ids', () => {
    const verdict = judgeRound({
      n: 3,
      leader: leaderOk,
      slaves: [returned(0, [4, 9], [2]), returned(1, [4, 9], [2]), failed(2)],
      drawnValues: true,
    });
    expect(verdict.problems).to.deep.equal(['slave 2 failed: killed', 'the list has 2 values, expected 3']);
    expect(verdict.missing).to.deep.equal([2]);
    expect(verdict.results).to.deep.equal([[4, 9], [4, 9], null]);
  });
});
