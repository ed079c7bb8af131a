import { expect } from 'chai';

import { pooledHandoffs } from '../../../src/bench/pooled.js';
import type { RoundFigures } from '../../../src/bench/round-figures.js';
import { benchMarkdown, type BenchResults } from '../../../src/bench/table.js';
import { verdicts } from '../../../src/bench/targets.js';
import { benchResults, FLOOR, roundFigure } from './fixtures.js';

function round(
  n: number,
  mode: 'cold' | 'warm',
  route: 'fanout' | 'leader',
  samples: number[],
): RoundFigures {
  return roundFigure(n, mode, route, { totalMs: 100, handoffSamplesMs: samples });
}

describe('pooledHandoffs', () => {
  it('pools the handoffs of every round with the same N and route, and keeps routes apart', () => {
    const pooled = pooledHandoffs([
      round(10, 'cold', 'fanout', [5, 6, 7]),
      round(10, 'warm', 'fanout', [1, 2, 3]),
      round(10, 'cold', 'leader', [9]),
      round(100, 'cold', 'fanout', []),
    ]);
    expect(pooled.map(({ n, route, rounds, count }) => ({ n, route, rounds, count }))).to.deep.equal([
      { n: 10, route: 'fanout', rounds: 2, count: 6 },
      { n: 10, route: 'leader', rounds: 1, count: 1 },
      { n: 100, route: 'fanout', rounds: 1, count: 0 },
    ]);
    // Nearest rank over 1, 2, 3, 5, 6, 7: neither round's own median.
    expect(pooled[0]?.handoffMs?.p50).to.equal(3);
    expect(pooled[0]?.handoffMs?.p99).to.equal(7);
    expect(pooled[2]?.handoffMs).to.equal(undefined);
  });

  it('is rendered with its ratios to both round trips', () => {
    const markdown = benchMarkdown(
      results([round(10, 'cold', 'fanout', [1, 2, 3]), round(10, 'warm', 'fanout', [2, 2, 2])]),
    );
    expect(markdown).to.include('| 10 | fanout | 2 | 6 | 2 / 3 / 3 | 4.0× | 2.0× |');
    expect(markdown).to.match(
      /two processes .* p50 1 ms, p90 1\.2 ms, p99 1\.4 ms \(2\.0× the round trip above\)/,
    );
  });

  it('lists N = 1, which hands nothing off, with dashes instead of leaving its table empty', () => {
    const markdown = benchMarkdown(results([round(1, 'cold', 'fanout', []), round(1, 'warm', 'fanout', [])]));
    const pooledTable = markdown.slice(markdown.indexOf('## Handoff, rounds pooled'));
    expect(pooledTable).to.include('| 1 | fanout | 2 | 0 | – | – | – |');
    expect(markdown).to.match(/^\| 1 \| cold \| fanout \| yes \|/m);
  });
});

function results(rounds: RoundFigures[]): BenchResults {
  return benchResults(rounds, {
    verdicts: verdicts({ processRoundTrip: FLOOR, rounds, invocationRate: undefined }),
  });
}
