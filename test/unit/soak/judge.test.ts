import { expect } from 'chai';

import type { HistoryEvent } from '../../../src/history/event.js';
import type { SlaveResult } from '../../../src/protocol/params.js';
import type { JsonValue } from '../../../src/protocol/json-value.js';
import type { RoundReport } from '../../../src/run/report.js';
import { judgeRound } from '../../../src/soak/judge.js';
import type { RoundObservation } from '../../../src/soak/observation.js';
import { planRound } from '../../../src/soak/plan.js';
import { simulateRun } from '../history/simulate.js';

const N = 4;
const RUN = 'run-sim';

/** The report a correct round of N slaves gives, built from a simulated correct history. */
function correctReport(): RoundReport {
  const history = simulateRun({ n: N, runId: RUN });
  const commits = history
    .filter((e): e is Extract<HistoryEvent, { type: 'commit' }> => e.type === 'commit')
    .sort((a, b) => a.seq - b.seq);
  const list = commits.map((c) => c.value);
  const slaves: SlaveResult[] = Array.from({ length: N }, (_, id) => {
    const position = commits.findIndex((c) => c.slave === id);
    return { id, value: list[position]!, list: [...list], position, missing: [], dropped: 0 };
  });
  return {
    runId: RUN,
    n: N,
    ok: true,
    agree: true,
    list,
    listed: true,
    results: slaves.map((s) => s.list),
    slaves,
    leader: { ok: true },
    failed: [],
    missing: [],
    dropped: 0,
    retried: 0,
    problems: [],
    timings: {
      invocationMs: 1,
      containerStartMs: 1,
      coldStarts: 0,
      firstGrantMs: 1,
      coordinationMs: 1,
      collectionMs: 1,
      totalMs: 5,
    },
    elapsedMs: 5,
    history,
  };
}

function observe(report: RoundReport | 'hung', extra: Partial<RoundObservation> = {}): RoundObservation {
  return {
    plan: planRound(1, 0),
    outcome: report === 'hung' ? { kind: 'hung', afterMs: 60_000 } : { kind: 'returned', report },
    faultHits: 1,
    brokerLeft: [],
    brokerRecreated: [],
    processesLeft: [],
    elapsedMs: 10,
    faultLog: [],
    ...extra,
  };
}

/** A copy of the report with slave `id`'s returned list replaced. */
function withList(report: RoundReport, id: number, list: JsonValue[]): RoundReport {
  const slaves = report.slaves.map((s) => (s?.id === id ? { ...s, list } : s));
  return { ...report, slaves, results: slaves.map((s) => s?.list ?? null) };
}

describe('soak round judge', () => {
  it('passes a correct round that left nothing behind', () => {
    expect(judgeRound(observe(correctReport()))).to.deep.equal({
      result: 'succeeded',
      violations: [],
      leaks: [],
      problems: [],
    });
  });

  it('counts a failed round as failed, not as a violation', () => {
    const report = correctReport();
    const failed = { ...report, ok: false, problems: ['leader failed: TIMEOUT'], leader: { ok: false } };
    const verdict = judgeRound(observe(failed));
    expect(verdict.result).to.equal('failed');
    expect(verdict.violations).to.deep.equal([]);
    expect(verdict.problems).to.deep.equal(['leader failed: TIMEOUT']);
  });

  it('finds a history the checker rejects', () => {
    const report = correctReport();
    const history = (report.history ?? []).map((e) =>
      e.type === 'commit' && e.seq === 0 ? { ...e, slave: e.slave + 1 } : e,
    );
    const verdict = judgeRound(observe({ ...report, history }));
    expect(verdict.violations.some((v) => v.startsWith('checker: '))).to.equal(true);
  });

  it('finds returned lists that disagree', () => {
    const report = correctReport();
    const verdict = judgeRound(observe(withList(report, 2, [...report.list].reverse())));
    expect(verdict.violations).to.include('disagreement: 1 of 4 returned lists differ from the first');
  });

  it('finds a value no slave drew, and names the injected one', () => {
    const report = correctReport();
    const drawn = new Set(report.list);
    const injected = [...Array(1001).keys()].find((v) => !drawn.has(v))!;
    const list = [...report.list, injected];
    const verdict = judgeRound(observe(withList(report, 0, list), { injectedValue: injected }));
    expect(verdict.violations).to.include(
      `foreign value: ${injected} (the injected value) was drawn by no slave of the run`,
    );
    const outside = judgeRound(observe(withList(report, 0, [...report.list, 5000])));
    expect(outside.violations).to.include('foreign value: 5000 is outside 0..1000');
  });

  it("takes the leader's commit as the draw of a killed slave whose history died with it", () => {
    const report = correctReport();
    const killed = 2;
    const history = (report.history ?? []).filter((e) => e.actor !== 'slave' || e.slave !== killed);
    const slaves = report.slaves.map((s) => (s?.id === killed ? null : s));
    const failed: RoundReport = {
      ...report,
      ok: false,
      problems: [`slave ${killed} failed: killed`],
      history,
      slaves,
      results: slaves.map((s) => s?.list ?? null),
    };
    expect(judgeRound(observe(failed)).violations).to.deep.equal([]);
    const noCommit = history.filter((e) => e.type !== 'commit' || e.slave !== killed);
    expect(
      judgeRound(observe({ ...failed, history: noCommit })).violations.some((v) =>
        v.startsWith('foreign value:'),
      ),
    ).to.equal(true);
  });

  it('finds a slave whose own value is not at its position', () => {
    const report = correctReport();
    const slaves = report.slaves.map((s) => (s?.id === 1 ? { ...s, position: (s.position + 1) % N } : s));
    const verdict = judgeRound(observe({ ...report, slaves }));
    expect(verdict.violations.some((v) => v.startsWith('foreign value: slave 1 drew'))).to.equal(true);
  });

  it('finds an exit status that does not match the report', () => {
    const report = correctReport();
    const okWithFailure = { ...report, failed: [{ id: 0, attempts: 1, activationIds: [], error: 'killed' }] };
    expect(judgeRound(observe(okWithFailure)).violations).to.include(
      'exit status: ok (exit 0) although the leader failed or not all N slaves returned the list of N',
    );
    const okWithProblems = { ...report, problems: ['slave 0 failed'] };
    expect(judgeRound(observe(okWithProblems)).violations).to.include(
      'exit status: ok (exit 0) although the report lists problems',
    );
    const failedSilently = { ...report, ok: false };
    expect(judgeRound(observe(failedSilently)).violations).to.include(
      'exit status: failed (exit 1) with no problem named',
    );
  });

  it('reports a hang', () => {
    const verdict = judgeRound(observe('hung'));
    expect(verdict.result).to.equal('hang');
    expect(verdict.problems).to.deep.equal(['no result after 60000 ms']);
  });

  it('reports topology left or re-created on the broker and processes left as leaks', () => {
    const verdict = judgeRound(
      observe(correctReport(), {
        brokerLeft: ['queue wsync.r.leader'],
        brokerRecreated: ['exchange wsync.r.log'],
        processesLeft: ['container pid 7 still alive after the controller stopped'],
      }),
    );
    expect(verdict.result).to.equal('succeeded');
    expect(verdict.leaks).to.deep.equal([
      'left on the broker: queue wsync.r.leader',
      're-created after the run deleted it: exchange wsync.r.log',
      'process left: container pid 7 still alive after the controller stopped',
    ]);
  });
});
