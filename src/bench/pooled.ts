import type { AppendRoute } from '../protocol/messages.js';
import type { RoundFigures } from './round-figures.js';
import { percentiles, type Percentiles } from './stats.js';

/** Handoffs of every round of one N on one route, taken together. */
export interface PooledHandoffs {
  readonly n: number;
  readonly route: AppendRoute;
  readonly rounds: number;
  /** Handoffs pooled; 0 at N = 1, whose single slave hands nothing off. */
  readonly count: number;
  /** Percentiles of the pooled handoffs; undefined when there were none. */
  readonly handoffMs: Percentiles | undefined;
}

/**
 * Pools the handoffs of all rounds with the same N and route, in the order first seen. A small N has
 * only N − 1 handoffs per round, too few for a steady median; pooled, cold and warm rounds count alike.
 * Every group gets an entry, also one without handoffs (N = 1), so that a table lists every N it ran.
 */
export function pooledHandoffs(rounds: readonly RoundFigures[]): PooledHandoffs[] {
  const groups = new Map<string, { n: number; route: AppendRoute; rounds: number; samples: number[] }>();
  for (const round of rounds) {
    const key = `${round.n}/${round.route}`;
    const group = groups.get(key) ?? { n: round.n, route: round.route, rounds: 0, samples: [] };
    group.rounds += 1;
    group.samples.push(...round.handoffSamplesMs);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ n, route, rounds, samples }) => ({
    n,
    route,
    rounds,
    count: samples.length,
    handoffMs: percentiles(samples),
  }));
}
