import { expect } from 'chai';

import type { InvocationRateFigures } from '../../../src/bench/invocation-rate.js';
import { benchMarkdown, type BenchResults } from '../../../src/bench/table.js';
import { benchResults, FLOOR, roundFigure } from './fixtures.js';
import {
  TARGETS,
  verdictLines,
  verdicts,
  type Verdict,
  type VerdictInput,
} from '../../../src/bench/targets.js';

const MB = 1024 ** 2;
const floor = FLOOR;

const round = roundFigure;

function rate(acceptedPerSecond: number, failed = 0): InvocationRateFigures {
  return {
    activations: 1000,
    failed,
    acceptedMs: 1,
    completedMs: 1,
    acceptedPerSecond,
    completedPerSecond: acceptedPerSecond,
    containers: 1,
  };
}

function verdictOf(id: string, input: Partial<VerdictInput>): Verdict {
  const all = verdicts({ processRoundTrip: floor, rounds: [], invocationRate: undefined, ...input });
  const found = all.find((v) => v.id === id);
  if (found === undefined) throw new Error(`no verdict ${id}`);
  return found;
}

describe('bench targets', () => {
  it('gives every target a verdict, "not run" when the bench did not run its N', () => {
    const all = verdicts({ processRoundTrip: floor, rounds: [], invocationRate: undefined });
    expect(all.map((v) => v.id)).to.deep.equal(TARGETS.map((t) => t.id));
    expect(all.every((v) => v.status === 'not run' && v.ratio === undefined)).to.equal(true);
    expect(verdictLines(all)[0]).to.match(/: not run$/);
  });

  it('meets an at-most target at or below its limit and reports the ratio to it', () => {
    const met = verdictOf('n100-cold', { rounds: [round(100, 'cold', 'fanout', { totalMs: 600 })] });
    expect(met).to.include({ status: 'met', value: 0.6, ratio: 0.5 });
    const edge = verdictOf('n100-cold', { rounds: [round(100, 'cold', 'fanout', { totalMs: 1200 })] });
    expect(edge).to.include({ status: 'met', ratio: 1 });
    const missed = verdictOf('n100-warm', { rounds: [round(100, 'warm', 'fanout', { totalMs: 900 })] });
    expect(missed).to.include({ status: 'not met', value: 0.9, ratio: 1.5 });
  });

  it('takes the median round of the repetitions, and fails the target when one of them disagreed', () => {
    const rounds = [1000, 5000, 1100].map((totalMs) => round(100, 'cold', 'fanout', { totalMs }));
    expect(verdictOf('n100-cold', { rounds })).to.include({ status: 'met', value: 1.1 });
    const failed = [...rounds.slice(1), round(100, 'cold', 'fanout', { totalMs: 100, ok: false })];
    expect(verdictOf('n100-cold', { rounds: failed })).to.include({ status: 'not met' });
  });

  it('holds the route targets to their own route only', () => {
    const leaderOnly = [round(1000, 'cold', 'leader', { totalMs: 3000 })];
    expect(verdictOf('n1000-fanout-cold', { rounds: leaderOnly }).status).to.equal('not run');
    expect(verdictOf('n1000-leader-cold', { rounds: leaderOnly })).to.include({ status: 'met', ratio: 0.75 });
    const fanoutOnly = [round(1000, 'cold', 'fanout', { totalMs: 3000 })];
    expect(verdictOf('n1000-leader-cold', { rounds: fanoutOnly }).status).to.equal('not run');
  });

  it('fails the N = 10000 target when the lists were not identical, however fast', () => {
    const fast = round(10_000, 'cold', 'leader', { totalMs: 60_000, ok: false });
    expect(verdictOf('n10000-leader-time', { rounds: [fast] })).to.include({ status: 'not met', ratio: 0.4 });
  });

  it('judges memory by the peak of controller and containers sampled together, largest round', () => {
    const rounds = [
      round(1000, 'cold', 'fanout', { totalPeakBytes: 900 * MB, containersRssPeakBytes: 2000 * MB }),
      round(1000, 'warm', 'fanout', { totalPeakBytes: 1200 * MB, containersRssPeakBytes: 1000 * MB }),
    ];
    const memory = verdictOf('n1000-memory', { rounds });
    expect(memory.status).to.equal('not met');
    expect(memory.value).to.be.closeTo(1200 / 1024, 0.001);
  });

  it('compares the pooled handoff p50 at N = 10 with the two-process round trip', () => {
    const rounds = [
      round(10, 'cold', 'fanout', { handoffSamplesMs: [1, 1.2, 5] }),
      round(10, 'warm', 'fanout', { handoffSamplesMs: [1.1, 1.2, 1.3] }),
    ];
    expect(verdictOf('handoff-n10', { rounds })).to.include({ status: 'met', value: 1.2, ratio: 0.92 });
    const slow = verdictOf('handoff-n10', { rounds, processRoundTrip: { ...floor, p50: 0.5 } });
    expect(slow).to.include({ status: 'not met', value: 2.4 });
  });

  it('holds invocations to at least 1000/s and fails them when an activation failed', () => {
    expect(verdictOf('invocations', { invocationRate: rate(1500) })).to.include({
      status: 'met',
      ratio: 1.5,
    });
    expect(verdictOf('invocations', { invocationRate: rate(800) })).to.include({ status: 'not met' });
    expect(verdictOf('invocations', { invocationRate: rate(1500, 1) })).to.include({ status: 'not met' });
  });

  it('prints one line per target after the tables, as the JSON lists them', () => {
    const rounds = [round(100, 'cold', 'fanout', { totalMs: 600 })];
    const list = verdicts({ processRoundTrip: floor, rounds, invocationRate: rate(1200) });
    const results = benchResults(rounds, { invocationRate: rate(1200), verdicts: list });
    const markdown = benchMarkdown(results);
    const targets = markdown
      .slice(markdown.indexOf('## Targets'))
      .split('\n')
      .filter((l) => l.startsWith('- '));
    expect(targets).to.have.length(TARGETS.length);
    expect(targets).to.include('- N = 100, one round cold ≤ 1.2 s: **met** (0.6 s, 0.5× the target)');
    expect(markdown.indexOf('## Targets')).to.be.greaterThan(markdown.indexOf('## Handoff, rounds pooled'));
    expect(markdown).to.include('**1200 invocations/s**');
    expect((JSON.parse(JSON.stringify(results)) as BenchResults).verdicts).to.deep.equal(list);
  });
});
