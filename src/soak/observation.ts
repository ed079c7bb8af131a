import type { RoundReport } from '../run/report.js';
import type { RoundPlan } from './plan.js';

/** How the round itself ended, as the soak saw it. */
export type RoundOutcome =
  | { readonly kind: 'returned'; readonly report: RoundReport }
  /** `runRound` had not settled when the round's hard timer fired. */
  | { readonly kind: 'hung'; readonly afterMs: number }
  /** The soak was told to stop while the round ran; the round is not judged. */
  | { readonly kind: 'interrupted' }
  /** `runRound` threw: the round could not start or its invocations were refused. */
  | { readonly kind: 'threw'; readonly error: string };

/** Everything the soak observed about one round; the judge decides from this alone. */
export interface RoundObservation {
  readonly plan: RoundPlan;
  /** The run's id, once the round had made its credentials. */
  readonly runId?: string;
  readonly outcome: RoundOutcome;
  /** Fault actions that reached a live party (0 for a fault-free round). */
  readonly faultHits: number;
  /** The value the round's forged entries carried, when it injected any. */
  readonly injectedValue?: number;
  /** Queues and exchanges of the run that still existed at the leak deadline. */
  readonly brokerLeft: readonly string[];
  /** Queues and exchanges of the run created again after a party had deleted them. */
  readonly brokerRecreated: readonly string[];
  /** Containers still running an activation after the round, or alive after the controller stopped. */
  readonly processesLeft: readonly string[];
  readonly elapsedMs: number;
  /** One line per fault action taken, missed or failed. */
  readonly faultLog: readonly string[];
}
