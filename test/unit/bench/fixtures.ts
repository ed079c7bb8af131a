import type { RoundFigures } from '../../../src/bench/round-figures.js';
import type { BenchResults } from '../../../src/bench/table.js';

/** The two-process round trip of the made-up results: p50 1 ms. */
export const FLOOR = { count: 10, p50: 1, p90: 1.2, p99: 1.4 };

/** One made-up round that agreed, with `over` replacing any figure. */
export function roundFigure(
  n: number,
  mode: 'cold' | 'warm',
  route: 'fanout' | 'leader',
  over: Partial<RoundFigures> = {},
): RoundFigures {
  return {
    n,
    mode,
    route,
    ok: true,
    problems: [],
    totalMs: 1000,
    invocationMs: 10,
    containerStartMs: 5,
    coldStarts: mode === 'cold' ? 1 : 0,
    firstGrantMs: 20,
    coordinationMs: 30,
    collectionMs: 40,
    handoffMs: undefined,
    handoffSamplesMs: [],
    published: 4 * n,
    delivered: 5 * n,
    containersPeakBytes: 0,
    controllerPeakBytes: 0,
    totalPeakBytes: 0,
    containersRssPeakBytes: 0,
    ...over,
  };
}

/** Made-up bench results around `rounds`, on a made-up machine. */
export function benchResults(
  rounds: RoundFigures[],
  rest: Pick<BenchResults, 'verdicts'> & Partial<BenchResults>,
): BenchResults {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    machine: {
      cores: 2,
      cpu: 'cpu',
      memoryBytes: 1 << 30,
      node: '20',
      platform: 'linux',
      broker: 'RabbitMQ',
    },
    command: 'npm run bench',
    localConcurrency: 50,
    roundTrip: { count: 10, p50: 0.5, p90: 0.6, p99: 0.7, noDelay: true },
    processRoundTrip: FLOOR,
    fanout: [],
    rounds,
    ...rest,
  };
}
