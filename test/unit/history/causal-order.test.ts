import { expect } from 'chai';
import { checkHistory } from '../../../src/history/checker.js';
import type { AppendEvent, HistoryEvent } from '../../../src/history/event.js';
import { messagesIn } from './findings.js';
import { simulateRun } from './simulate.js';

/** The history as a slave whose process clock is `offsetMs` off the leader's records it. */
function skewed(events: readonly HistoryEvent[], slave: number, offsetMs: number): HistoryEvent[] {
  return events.map((e) => (e.actor === 'slave' && e.slave === slave ? { ...e, t: e.t + offsetMs } : e));
}

const appendOf = (events: readonly HistoryEvent[], slave: number): AppendEvent => {
  const a = events.find((e): e is AppendEvent => e.type === 'append' && e.slave === slave);
  if (a === undefined) throw new Error(`no append of slave ${slave}`);
  return a;
};

describe('checkHistory: order across parties comes from causality, never from their clocks', () => {
  it('passes a correct run whose slave clocks run 21 ms ahead of and behind the leader clock', () => {
    const base = simulateRun({ n: 6, seed: 4 });
    const events = skewed(skewed(base, 1, 21), 4, -21);
    const commit = (slave: number) => events.find((e) => e.type === 'commit' && e.slave === slave)!;
    const grant = (slave: number) => events.find((e) => e.type === 'grant' && e.slave === slave)!;
    // By the clocks, slave 1 appended after the leader committed it and slave 4 before its grant.
    expect(appendOf(events, 1).t).to.be.greaterThan(commit(1).t);
    expect(appendOf(events, 4).t).to.be.lessThan(grant(4).t);
    // `sharedClock` was how a one-machine run asked for clock comparisons; it no longer enables any.
    const report = checkHistory(events, { sharedClock: true });
    expect(messagesIn(report)).to.deep.equal([]);
    expect(report.passed).to.equal(true);
  });

  it('still fails an append whose token the leader never issued for its seq', () => {
    const base = simulateRun({ n: 3 });
    const victim = appendOf(base, 1);
    const events = base.map((e) => (e === victim ? { ...victim, token: 'e9:0' } : e));
    expect(messagesIn(checkHistory(events))).to.include(
      `slave 1 appended under seq ${victim.seq} with token e9:0, which the leader never issued for it`,
    );
  });
});
