import type { HistoryEvent } from '../history/event.js';
import type { JsonValue } from '../protocol/json-value.js';
import type { SlaveResult } from '../protocol/params.js';

/** A slave that did not return a list, after its retries. */
export interface SlaveFailure {
  readonly id: number;
  /** Invocations made for this slave (1 + retries used). */
  readonly attempts: number;
  /** Activation ids of those invocations, as far as the platform accepted them. */
  readonly activationIds: readonly string[];
  /** One line: why the last attempt failed. */
  readonly error: string;
}

/**
 * Where the time of a round went, in milliseconds from the start of {@link runRound}. Entries that
 * need the protocol's history (first grant, coordination) are undefined when the actions returned none.
 */
export interface RoundTimings {
  /** Until the platform had accepted every invocation (leader and slaves). */
  readonly invocationMs: number;
  /** Longest container start: the platform's `waitTime` plus `initTime` (cold starts), over all activations. */
  readonly containerStartMs: number | undefined;
  /** Activations that ran in a fresh container (their record has `initTime`). */
  readonly coldStarts: number;
  /** Until the leader sent its first grant. */
  readonly firstGrantMs: number | undefined;
  /** From the first grant to the last commit: the synchronized part. */
  readonly coordinationMs: number | undefined;
  /** From the end of the last activation until the client held every result (polling lag). */
  readonly collectionMs: number | undefined;
  /** The whole round. */
  readonly totalMs: number;
}

/** The outcome of one round. Never contains the run's signing key. */
export interface RoundReport {
  readonly runId: string;
  readonly n: number;
  /**
   * True only when the leader succeeded and all N slaves returned the identical list of N values
   * (integers in 0..1000 for the shipped slave): the condition for exit status 0.
   */
  readonly ok: boolean;
  /** Every slave that returned, returned the same list (false when none returned). */
  readonly agree: boolean;
  /** The agreed list (the first returned list when they disagree; empty when none returned). */
  readonly list: readonly JsonValue[];
  /** Whether any slave returned a list; false: the round has no list (`list` is empty). */
  readonly listed: boolean;
  /** Each slave's returned list in slave order; `null` for a slave that failed. */
  readonly results: readonly (readonly JsonValue[] | null)[];
  /** Each slave's full result in slave order; `null` for a slave that failed. */
  readonly slaves: readonly (SlaveResult | null)[];
  readonly leader: { readonly ok: boolean; readonly activationId?: string; readonly error?: string };
  readonly failed: readonly SlaveFailure[];
  /** Slave ids whose values are not in the list, as the slaves reported them. */
  readonly missing: readonly number[];
  /** Messages the slaves dropped (forged, malformed, foreign, stale), summed. */
  readonly dropped: number;
  /** Re-invocations made under `retries`. */
  readonly retried: number;
  /** Why `ok` is false, one line each; empty when it is true. */
  readonly problems: readonly string[];
  readonly timings: RoundTimings;
  readonly elapsedMs: number;
  /** The merged history (actions' events and the client's invoke/end events) when it was asked for. */
  readonly history?: readonly HistoryEvent[];
}
