import type { HistoryEvent } from '../history/event.js';
import { DEFAULT_HEARTBEAT_MS } from '../protocol/limits.js';
import type { AppendRoute } from '../protocol/messages.js';
import type { RoundReport, RoundTimings } from '../run/report.js';
import { handoffTimes } from './handoff.js';
import { percentiles, type Percentiles } from './stats.js';

/** One measured end-to-end round: the timings `runRound` reports, and more. */
export interface RoundFigures extends RoundTimings {
  readonly n: number;
  readonly mode: 'cold' | 'warm';
  readonly route: AppendRoute;
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly handoffMs: Percentiles | undefined;
  /** Every handoff of the round, in milliseconds to 0.001, so rounds can be pooled. */
  readonly handoffSamplesMs: readonly number[];
  /** Messages published by the leader and the slaves; the leader's heartbeats are estimated. */
  readonly published: number;
  /** Messages delivered to the leader's queue and the slaves' inboxes; the leader's part is computed. */
  readonly delivered: number;
  /**
   * Peak memory of the containers: their summed proportional set sizes (PSS), so the `node` binary and
   * libraries that every container maps count once, not once per container.
   */
  readonly containersPeakBytes: number;
  /** Peak memory (PSS) of the controller process (this process). */
  readonly controllerPeakBytes: number;
  /** Peak of controller and containers sampled together (PSS): what the round took of the machine. */
  readonly totalPeakBytes: number;
  /** Peak of the containers' summed resident sizes, shared pages counted once per container. */
  readonly containersRssPeakBytes: number;
}

/** The memory peaks of one round, as {@link RoundFigures} names them. */
export type RoundMemory = Pick<
  RoundFigures,
  'containersPeakBytes' | 'controllerPeakBytes' | 'totalPeakBytes' | 'containersRssPeakBytes'
>;

/**
 * Figures of one round from its report. Slaves count their own deliveries (`received`); the leader
 * returns nothing on success, so its messages follow from the protocol: it publishes a welcome and a
 * grant per slave, a heartbeat per interval and the end, and receives a request and an append per
 * slave plus its own broadcasts (its queue is bound to the log exchange).
 */
export function roundFigures(input: {
  report: RoundReport;
  mode: 'cold' | 'warm';
  route: AppendRoute;
  memory: RoundMemory;
}): RoundFigures {
  const { report } = input;
  const history: readonly HistoryEvent[] = report.history ?? [];
  const n = report.n;
  const leaderTimes = history.filter((e) => e.actor === 'leader').map((e) => e.t);
  const leaderSpan = leaderTimes.length === 0 ? 0 : Math.max(...leaderTimes) - Math.min(...leaderTimes);
  const broadcasts = 1 + Math.ceil(leaderSpan / DEFAULT_HEARTBEAT_MS) + 1;
  const slaves = report.slaves.filter((s) => s !== null);
  const slaveReceived = slaves.reduce((sum, s) => sum + (s.received ?? 0), 0);
  const handoffs = handoffTimes(history);
  return {
    n,
    mode: input.mode,
    route: input.route,
    ok: report.ok,
    problems: report.problems,
    ...report.timings,
    handoffMs: percentiles(handoffs),
    handoffSamplesMs: handoffs.map((ms) => Math.round(ms * 1000) / 1000),
    published: 2 * n + 2 * n + broadcasts,
    delivered: slaveReceived + 2 * n + broadcasts,
    ...input.memory,
  };
}
