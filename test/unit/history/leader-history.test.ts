import { expect } from 'chai';

import { checkHistory } from '../../../src/history/checker.js';
import type { HistoryEvent } from '../../../src/history/event.js';
import { formatReport } from '../../../src/history/format-report.js';
import { simulateRun } from './simulate.js';

/** The run as a checker sees it once the leader's own events died with it. */
const withoutLeader = (events: readonly HistoryEvent[]): HistoryEvent[] =>
  events.filter((e) => e.actor !== 'leader');

/** The run as the client saw it when the leader's activation was killed: its events died with it. */
const leaderKilled = (events: readonly HistoryEvent[]): HistoryEvent[] =>
  withoutLeader(events).map((e) =>
    e.type === 'end' && e.role === 'leader' ? { ...e, status: 'action developer error' } : e,
  );

describe('checkHistory: a leader that recorded nothing', () => {
  it("leaves the leader's properties not judged, not failed, when the client saw the leader killed", () => {
    const report = checkHistory(leaderKilled(simulateRun({ n: 4 })));
    expect(report.passed).to.equal(true);
    const properties = report.runs[0]?.properties ?? [];
    expect(properties.filter((p) => p.notJudged !== undefined).map((p) => p.property)).to.deep.equal([
      'Mutual exclusion',
      'Validity',
      'Fencing',
    ]);
    expect(properties.flatMap((p) => p.violations)).to.deep.equal([]);
    const text = formatReport(report);
    expect(text).to.contain('N/A   Validity').and.contain('action developer error');
    expect(text).to.contain('PASS  Agreement');
  });

  it('still fails Agreement when the leader was killed and two slaves returned different lists', () => {
    const events = leaderKilled(simulateRun({ n: 3 })).map((e) =>
      e.type === 'return' && e.actor === 'slave' && e.slave === 1
        ? { ...e, list: [...(e.list ?? [])].reverse() }
        : e,
    );
    const report = checkHistory(events);
    expect(report.passed).to.equal(false);
    const failed = report.runs[0]?.properties.filter((p) => !p.passed).map((p) => p.property);
    expect(failed).to.deep.equal(['Agreement']);
  });

  it('reports one finding under Validity when nothing says the leader died', () => {
    const events = withoutLeader(simulateRun({ n: 4 }));
    expect(events.filter((e) => e.type === 'append')).to.have.length(4);
    const report = checkHistory(events);
    expect(report.passed).to.equal(false);
    const found = report.runs.flatMap((r) => r.properties.flatMap((p) => p.violations));
    expect(found.map((v) => [v.property, v.message])).to.deep.equal([
      [
        'Validity',
        'leader history missing: the leader recorded no events (killed?), so the 4 slave append(s) cannot be matched to grants',
      ],
    ]);
    expect(formatReport(report)).to.contain('FAIL  Validity').and.contain('leader history missing');
  });

  it('still judges what the slaves recorded: a disagreeing list fails Agreement too', () => {
    const events = withoutLeader(simulateRun({ n: 3 })).map((e) =>
      e.type === 'return' && e.actor === 'slave' && e.slave === 1
        ? { ...e, list: [...(e.list ?? [])].reverse() }
        : e,
    );
    const failed = checkHistory(events)
      .runs[0]?.properties.filter((p) => !p.passed)
      .map((p) => p.property);
    expect(failed).to.deep.equal(['Agreement', 'Validity']);
  });

  it('says nothing when no slave appended (nothing to match) or the leader recorded events', () => {
    const noAppends = withoutLeader(simulateRun({ n: 2 })).filter((e) => e.type !== 'append');
    const messages = checkHistory(noAppends).runs.flatMap((r) =>
      r.properties.flatMap((p) => p.violations.map((v) => v.message)),
    );
    expect(messages.filter((m) => m.startsWith('leader history missing'))).to.deep.equal([]);
    expect(checkHistory(simulateRun({ n: 2 })).passed).to.equal(true);
  });
});
