/** Largest number of slaves in one run. Bounded so one catch-up message stays far below 1 MB. */
export const MAX_SLAVES = 10_000;

/** Values the shipped slave draws: integers from 0 to this bound, inclusive. */
export const MAX_VALUE = 1000;

/** Whether `value` is one the shipped slave may draw: an integer in 0..{@link MAX_VALUE}. */
export function isValidValue(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_VALUE;
}

/**
 * Largest value a slave may append: 64 KiB of UTF-8 JSON text. A run's catch-up message carries every
 * value committed so far, so large values belong in an external store, with a key or hash in the list.
 */
export const MAX_VALUE_BYTES = 65_536;

/**
 * Default longest time one grant may be held, renewals included: a live holder keeps its lease for
 * at most this long, then the leader revokes it.
 */
export const DEFAULT_MAX_HOLD_MS = 30_000;

/** A granted slave renews its lease this many times per lease, so one lost renewal costs nothing. */
export const RENEWALS_PER_LEASE = 3;

/**
 * Default lease of one grant. Well below OpenWhisk's default action timeout (60 s), so a dead holder
 * costs one lease and the run still ends in time; well above a broker round trip and a slave's reaction.
 */
export const DEFAULT_LEASE_MS = 5000;

/** Default interval of the leader's broadcasts (log batches and heartbeats). */
export const DEFAULT_HEARTBEAT_MS = 1000;

/**
 * A slave that has heard from the leader gives up after this many heartbeat intervals of silence,
 * and never sooner than {@link MIN_LEADER_SILENCE_MS}: a loaded machine delays timers by seconds.
 */
export const SILENT_HEARTBEATS = 8;

/** Lower bound of the leader-silence timeout. */
export const MIN_LEADER_SILENCE_MS = 5000;

/** The accepted range of a numeric parameter, bounds inclusive. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * The range of every numeric parameter of a run: the one source of truth for the actions' validation,
 * the library and the command line, so a value one of them accepts is never refused by another.
 * `leaseMs` and `heartbeatMs` start at 10 ms (a timer below that is noise); `timeoutMs` at 100 ms
 * (OpenWhisk's smallest action time limit); `expiresMs` at 1 s (the broker's expiry granularity).
 */
export const PARAM_RANGES = {
  n: { min: 1, max: MAX_SLAVES },
  leaseMs: { min: 10, max: 3_600_000 },
  /** At least the lease itself; checked against it where both are known. */
  maxHoldMs: { min: 10, max: 3_600_000 },
  timeoutMs: { min: 100, max: 3_600_000 },
  heartbeatMs: { min: 10, max: 60_000 },
  expiresMs: { min: 1000, max: 86_400_000 },
} as const satisfies Record<string, Range>;

/** Deadline of an activation when neither `__OW_DEADLINE` nor `timeoutMs` is given (OpenWhisk's default). */
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Default idle time after which the broker deletes a run's queues (`x-expires`). It equals OpenWhisk's
 * largest action timeout, so a queue outlives any party that still waits on it, and a crashed run
 * leaves nothing behind for longer than that.
 */
export const DEFAULT_EXPIRES_MS = 300_000;

/**
 * Every wait ends this long before the activation's deadline, so the action returns its own clear
 * error instead of being killed by the platform: 10 % of the time budget, between 200 ms and 2 s.
 */
export function safetyMarginMs(budgetMs: number): number {
  return Math.min(2000, Math.max(200, Math.floor(budgetMs * 0.1)));
}
