import { connect } from 'amqplib';

import type { Manifest } from '../deploy/manifest.js';
import { BrokerEvents } from './broker-events.js';
import { listRunsResources } from './broker-resources.js';
import { firstLine } from './first-line.js';
import { judgeRound, type RoundVerdict } from './judge.js';
import type { RoundObservation } from './observation.js';
import { describeFault, planRound, type PlanLimits, type RoundPlan } from './plan.js';
import { runSoakRound } from './soak-round.js';
import { tally, type SoakTable } from './table.js';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly seed: number;
  readonly rounds: number;
  readonly limits: PlanLimits;
  readonly amqpUrl: string;
  readonly manifest: Manifest;
  readonly timeoutMs: number;
  readonly expiresMs: number;
  readonly heartbeatMs: number;
  /** One progress line per round and per finding. */
  readonly progress: (line: string) => void;
  /** Stops the soak after the round under way. */
  readonly signal?: AbortSignal;
}

/** One judged round. */
export interface SoakRound {
  readonly plan: RoundPlan;
  readonly observation: RoundObservation;
  readonly verdict: RoundVerdict;
}

export interface SoakResult {
  readonly rounds: readonly SoakRound[];
  readonly table: SoakTable;
  /** True when the soak stopped early on its signal. */
  readonly interrupted: boolean;
}

/**
 * Runs the planned rounds one after another against the broker, judges each, and finally lists the
 * broker once with `rabbitmqctl` so that a leak the event stream missed is still found. Needs the
 * broker's event exchange (see `enableEventPlugin`).
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const events = await BrokerEvents.open(options.amqpUrl);
  const injectConnection = await connect(options.amqpUrl);
  injectConnection.on('error', () => undefined);
  const rounds: SoakRound[] = [];
  try {
    for (let index = 0; index < options.rounds && options.signal?.aborted !== true; index++) {
      const plan = planRound(options.seed, index, options.limits);
      options.progress(
        `round ${index + 1}/${options.rounds} (seed ${plan.seed}): N=${plan.n}, concurrency ${plan.concurrency}, ` +
          `${plan.route}, retries ${plan.retries}, lease ${plan.leaseMs} ms; ${describeFault(plan.fault)}`,
      );
      const observation = await runSoakRound(plan, { ...options, events, injectConnection });
      if (observation.outcome.kind === 'interrupted') break;
      const verdict = judgeRound(observation);
      rounds.push({ plan, observation, verdict });
      for (const line of roundSummary(observation, verdict)) options.progress(`  ${line}`);
    }
    const checked = await crossCheck(rounds).catch((error: unknown) => {
      options.progress(`could not list the broker for the final leak check: ${firstLine(error)}`);
      return rounds;
    });
    return {
      rounds: checked,
      table: tally(
        checked.map((r) => ({
          fault: r.plan.fault.kind,
          verdict: r.verdict,
          faultHits: r.observation.faultHits,
        })),
      ),
      interrupted: options.signal?.aborted === true,
    };
  } finally {
    await injectConnection.close().catch(() => undefined);
    await events.close();
  }
}

function roundSummary(observation: RoundObservation, verdict: RoundVerdict): string[] {
  const hit =
    observation.plan.fault.kind === 'none'
      ? ''
      : observation.faultHits > 0
        ? ', fault hit'
        : ', fault missed';
  const { outcome } = observation;
  const drops =
    outcome.kind === 'returned' ? (outcome.report.history ?? []).filter((e) => e.type === 'drop') : [];
  const dropped = outcome.kind === 'returned' ? `, ${drops.length} messages dropped` : '';
  return [
    `${verdict.result} in ${observation.elapsedMs} ms${hit}${dropped}`,
    ...observation.faultLog.slice(0, 4).map((line) => `fault: ${line}`),
    ...verdict.problems.slice(0, 3).map((p) => `problem: ${p}`),
    ...verdict.violations.map((v) => `VIOLATION ${v}`),
    ...verdict.leaks.map((l) => `LEAK ${l}`),
  ];
}

/** Adds to each round whatever `rabbitmqctl` still lists of its run after the last round. */
async function crossCheck(rounds: readonly SoakRound[]): Promise<SoakRound[]> {
  const ids = rounds.map((r) => r.observation.runId ?? '');
  const listed = await listRunsResources(ids.filter((id) => id !== ''));
  let next = 0;
  return rounds.map((round) => {
    if (round.observation.runId === undefined) return round;
    const left = listed[next++] ?? { queues: [], exchanges: [] };
    const names = [...left.queues.map((q) => `queue ${q}`), ...left.exchanges.map((e) => `exchange ${e}`)];
    const unseen = names.filter((name) => !round.observation.brokerLeft.includes(name));
    if (unseen.length === 0) return round;
    const leaks = [...round.verdict.leaks, ...unseen.map((name) => `still listed after the soak: ${name}`)];
    return { ...round, verdict: { ...round.verdict, leaks } };
  });
}
