import { expect } from 'chai';
import { checkHistory } from '../../../src/history/checker.js';
import type { HistoryEvent } from '../../../src/history/event.js';
import { formatReport } from '../../../src/history/format-report.js';
import { recorderOf } from '../../../src/history/run-view.js';
import { simulate, type SimulationResult } from '../protocol/in-memory-run.js';

/**
 * What the parties of an in-memory run hand over: the leader's history and that of every slave that
 * returned (a killed slave's dies with it), each with its return recorded as the shells do.
 */
function handedOver(run: SimulationResult): HistoryEvent[] {
  const end = Math.max(...[run.leader, ...run.slaves.values()].flatMap((m) => m.history.map((e) => e.t)));
  run.leader.recordReturn(end, run.leader.outcome !== undefined);
  const returned = [...run.slaves.values()].filter((s) => s.outcome !== undefined);
  for (const s of returned) s.recordReturn(end);
  return [...run.leader.history, ...returned.flatMap((s) => s.history)];
}

describe('histories the protocol machines record', () => {
  // The in-memory broker advances its clock in coarse steps: many events of a party, and of
  // different parties, carry the same time, which is what the checker must not be confused by.
  const cases = [
    { n: 8, seed: 1 },
    { n: 12, seed: 2, duplicate: 0.2, inject: 0.05 },
    { n: 10, seed: 3, dieOnGrant: [2, 7] },
    { n: 10, seed: 4, abandon: [5], absent: [5] },
    { n: 30, seed: 5, duplicate: 0.1, appendRoute: 'leader' as const },
  ];
  for (const options of cases) {
    it(`pass the checker: ${JSON.stringify(options)}`, () => {
      const events = handedOver(simulate(options));
      const times = events.map((e) => e.t);
      expect(new Set(times).size, 'some times tie').to.be.lessThan(times.length);
      const report = checkHistory(events);
      expect(report.passed, formatReport(report)).to.equal(true);
    });
  }

  it("number each activation's events from 0 in the order they were recorded", () => {
    const run = simulate({ n: 5, seed: 6 });
    for (const machine of [run.leader, ...run.slaves.values()]) {
      expect(machine.history.map((e) => e.step)).to.deep.equal([...machine.history.keys()]);
      expect(new Set(machine.history.map(recorderOf)).size).to.equal(1);
    }
  });
});
