import { expect } from 'chai';
import { checkHistory } from '../../../src/history/checker.js';
import type { HistoryEvent } from '../../../src/history/event.js';
import { messagesIn } from './findings.js';
import { simulateRun } from './simulate.js';

const messages = (events: readonly HistoryEvent[]): string[] => messagesIn(checkHistory(events));

describe('checkHistory: a history that died with its activation is unknown, not wrong', () => {
  it('passes a run whose slaves were killed after their append was committed and were invoked again', () => {
    const events = simulateRun({ n: 5, seed: 3, killedAfterAppend: [1, 3] });
    // The killed activations left no events of their own; their retries recorded no append.
    expect(events.filter((e) => e.type === 'append').map((e) => e.slave)).to.not.include.members([1, 3]);
    expect(events.filter((e) => e.type === 'commit')).to.have.length(5);
    expect(messages(events)).to.deep.equal([]);
  });

  it('passes a run whose killed slave was not invoked again (no event of its own at all)', () => {
    const events = simulateRun({ n: 4, seed: 2, killedAfterAppend: [0] }).filter(
      (e) => !(e.slave === 0 && e.activationId?.endsWith('-retry') === true),
    );
    expect(messages(events)).to.deep.equal([]);
  });

  it('still fails a slave whose every activation returned its history without the committed append', () => {
    const events = simulateRun({ n: 4, seed: 2 }).filter((e) => !(e.type === 'append' && e.slave === 2));
    const commit = events.find((e) => e.type === 'commit' && e.slave === 2);
    if (commit?.type !== 'commit') throw new Error('no commit of slave 2');
    expect(messages(events)).to.deep.equal([
      `slave 2 recorded no append under seq ${commit.seq} (token ${commit.token}), yet it was committed`,
    ]);
  });
});
