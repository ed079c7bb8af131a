import { APPEND_ROUTES, type AppendRoute } from '../protocol/messages.js';
import { createPrng, MAX_SEED, type Prng } from './prng.js';

/** The faults a soak round can carry, one per round. */
export const FAULT_KINDS = ['none', 'kill', 'pause', 'close-connection', 'inject'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The party a fault hits: the leader's container, or the `container`-th slave container the controller
 * starts in the round (counting from 0, retries' containers included).
 */
export type FaultTarget =
  { readonly role: 'leader' } | { readonly role: 'slave'; readonly container: number };

/** What happens to a round, with every random choice already made. */
export type FaultPlan =
  | { readonly kind: 'none' }
  /** SIGKILL the target's container `delayMs` after the controller gave it to the action. */
  | { readonly kind: 'kill'; readonly target: FaultTarget; readonly delayMs: number }
  /** SIGSTOP the target's container `delayMs` after it was given to the action, SIGCONT `pauseMs` later. */
  | {
      readonly kind: 'pause';
      readonly target: FaultTarget;
      readonly delayMs: number;
      readonly pauseMs: number;
    }
  /** Close the target container's AMQP connection (broker side) `delayMs` after it was opened. */
  | { readonly kind: 'close-connection'; readonly target: FaultTarget; readonly delayMs: number }
  /**
   * Publish forged and malformed messages into every queue and exchange of the run the moment the
   * broker creates it; forged entries carry `value`.
   */
  | { readonly kind: 'inject'; readonly value: number };

/** One round of a soak. */
export interface RoundPlan {
  /** 0-based position in the soak. */
  readonly index: number;
  /** Replays this round alone: `--rounds 1 --seed <seed>` with the same limits. */
  readonly seed: number;
  readonly n: number;
  /** Activations one container serves at once. */
  readonly concurrency: number;
  readonly route: AppendRoute;
  readonly retries: number;
  readonly leaseMs: number;
  readonly fault: FaultPlan;
}

/** Ranges the random choices are drawn from. */
export interface PlanLimits {
  /** Largest N; N is drawn from 1..maxN. Default {@link DEFAULT_MAX_N}. */
  readonly maxN?: number;
  /** Largest `--retries`; drawn from 0..maxRetries. Default 2. */
  readonly maxRetries?: number;
}

export const DEFAULT_MAX_N = 40;
/** Container concurrencies drawn from: one process per activation up to one process for all. */
export const CONCURRENCIES = [1, 2, 4, 10, 50] as const;
/** Leases drawn from, in ms: long enough that a loaded machine does not revoke healthy holders. */
export const LEASE_RANGE_MS = [1000, 4000] as const;
/** How late after its start a container is hit, in ms. */
export const DELAY_RANGE_MS = [0, 1000] as const;
/** How far past the lease a paused container stays paused, in ms. */
export const PAUSE_EXTRA_RANGE_MS = [500, 2500] as const;

/** The plan of round `index` of a soak with seed `soakSeed`: its own seed is `soakSeed + index`. */
export function planRound(soakSeed: number, index: number, limits: PlanLimits = {}): RoundPlan {
  const seed = (soakSeed + index) % (MAX_SEED + 1);
  const random = createPrng(seed);
  const n = random.int(1, limits.maxN ?? DEFAULT_MAX_N);
  const concurrency = random.pick(CONCURRENCIES);
  const route = random.pick(APPEND_ROUTES);
  const retries = random.int(0, limits.maxRetries ?? 2);
  const leaseMs = random.int(...LEASE_RANGE_MS);
  const fault = planFault(random, random.pick(FAULT_KINDS), Math.ceil(n / concurrency), leaseMs);
  return { index, seed, n, concurrency, route, retries, leaseMs, fault };
}

/** Every round of a soak, in order. */
export function planSoak(soakSeed: number, rounds: number, limits: PlanLimits = {}): RoundPlan[] {
  return Array.from({ length: rounds }, (_, index) => planRound(soakSeed, index, limits));
}

function planFault(random: Prng, kind: FaultKind, slaveContainers: number, leaseMs: number): FaultPlan {
  if (kind === 'none') return { kind };
  if (kind === 'inject') return { kind, value: random.int(0, 1000) };
  // One round in four hits the leader, as one party among several.
  const target: FaultTarget =
    random.int(0, 3) === 0
      ? { role: 'leader' }
      : { role: 'slave', container: random.int(0, slaveContainers - 1) };
  const delayMs = random.int(...DELAY_RANGE_MS);
  if (kind === 'pause')
    return { kind, target, delayMs, pauseMs: leaseMs + random.int(...PAUSE_EXTRA_RANGE_MS) };
  return { kind, target, delayMs };
}

/** One line naming a round's fault, e.g. `kill slave container 2 after 340 ms`. */
export function describeFault(fault: FaultPlan): string {
  if (fault.kind === 'none') return 'no fault';
  if (fault.kind === 'inject') return 'forged and malformed messages into every queue and exchange';
  const target = fault.target.role === 'leader' ? 'the leader' : `slave container ${fault.target.container}`;
  if (fault.kind === 'kill') return `SIGKILL ${target} ${fault.delayMs} ms after its start`;
  if (fault.kind === 'pause') {
    return `SIGSTOP ${target} ${fault.delayMs} ms after its start, SIGCONT ${fault.pauseMs} ms later`;
  }
  return `close the AMQP connection of ${target} ${fault.delayMs} ms after it opened`;
}
