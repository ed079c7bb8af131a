import { expect } from 'chai';
import { checkHistory } from '../../../src/history/checker.js';
import type { CommitEvent, GrantEvent, HistoryEvent } from '../../../src/history/event.js';
import { sinceStart } from '../../../src/history/describe.js';
import type { PropertyName } from '../../../src/history/report.js';
import type { JsonValue } from '../../../src/protocol/json-value.js';
import { messagesIn } from './findings.js';
import { recordBefore } from './reorder.js';
import { simulateRun } from './simulate.js';

/** The messages of the violations of `property`. */
const messages = (events: readonly HistoryEvent[], property: PropertyName): string[] =>
  messagesIn(checkHistory(events), property);

const grantOf = (events: readonly HistoryEvent[], seq: number): GrantEvent => {
  const g = events.find((e): e is GrantEvent => e.type === 'grant' && e.seq === seq);
  if (g === undefined) throw new Error(`no grant of seq ${seq}`);
  return g;
};
const commitOf = (events: readonly HistoryEvent[], seq: number): CommitEvent => {
  const c = events.find((e): e is CommitEvent => e.type === 'commit' && e.seq === seq);
  if (c === undefined) throw new Error(`no commit of seq ${seq}`);
  return c;
};
const withoutSteps = (events: readonly HistoryEvent[]): HistoryEvent[] =>
  events.map(({ step: _step, ...rest }) => rest);

describe('checkHistory: order within one party comes from its record, never from tied times', () => {
  it('fails when grant k+1 is recorded before commit k with the same time stamp', () => {
    const base = simulateRun({ n: 4 });
    const events = recordBefore(base, grantOf(base, 2), commitOf(base, 1));
    expect(grantOf(events, 2).t).to.equal(commitOf(events, 1).t);
    expect(messages(events, 'Mutual exclusion')).to.deep.equal([
      `seq 2 was granted to slave ${grantOf(base, 2).slave} at ${at(events, grantOf(events, 2).t)} while slave ` +
        `${grantOf(base, 1).slave} held seq 1 (granted at ${at(events, grantOf(base, 1).t)}; the leader recorded ` +
        'its commit only after this grant)',
    ]);
  });

  it('takes the record order from the steps whatever order the events come in', () => {
    const base = simulateRun({ n: 4 });
    const events = recordBefore(base, grantOf(base, 2), commitOf(base, 1));
    expect(messages([...events].reverse(), 'Mutual exclusion')).to.have.length(1);
    expect(messages([...base].reverse(), 'Mutual exclusion')).to.deep.equal([]);
  });

  it('reads a history written before steps existed in file order, which its writer kept per party', () => {
    const base = simulateRun({ n: 4 });
    const reordered = recordBefore(base, grantOf(base, 2), commitOf(base, 1));
    const fileOrder = [...reordered].sort((a, b) => a.t - b.t || (a.step ?? 0) - (b.step ?? 0));
    expect(messages(withoutSteps(fileOrder), 'Mutual exclusion')).to.have.length(1);
    expect(checkHistory(withoutSteps(base)).passed).to.equal(true);
  });

  it('fails when the last commit is recorded before its grant', () => {
    const base = simulateRun({ n: 3 });
    const events = recordBefore(base, commitOf(base, 2), grantOf(base, 2));
    expect(messages(events, 'Validity')).to.deep.equal([
      'the leader recorded the commit of seq 2 before its grant',
    ]);
  });

  it('fails when positions do not follow the order of the commits', () => {
    const base = simulateRun({ n: 3 });
    const [first, second] = [commitOf(base, 0), commitOf(base, 1)];
    // Every list matches the swapped positions, so only the order of the commits gives it away.
    const swapped = (list: readonly JsonValue[]) => [second.value, first.value, ...list.slice(2)];
    const events = base.map((e) => {
      if (e === first) return { ...e, position: 1 };
      if (e === second) return { ...e, position: 0 };
      return e.type === 'return' && e.list !== undefined ? { ...e, list: swapped(e.list) } : e;
    });
    expect(messages(events, 'Validity')).to.deep.equal([
      "the commit of seq 0 is the leader's commit number 0 but fills position 1",
      "the commit of seq 1 is the leader's commit number 1 but fills position 0",
    ]);
    expect(messages(events, 'Agreement')).to.deep.equal([]);
  });
});

/** A time as the checker prints it: relative to the run's first event. */
function at(events: readonly HistoryEvent[], t: number): string {
  return sinceStart(t, Math.min(...events.map((e) => e.t)));
}
