import type { HistoryEvent } from '../history/event.js';
import type { JsonValue } from './json-value.js';
import type { AppendRoute } from './messages.js';

/** Parameters of the `leader` action. */
export interface LeaderParams {
  /** Number of slaves in the run, an integer from 1 to the documented maximum. */
  readonly n: number;
  /** Short safe token naming the run; every queue and exchange of the run is named from it. */
  readonly runId: string;
  /** amqp:// or amqps:// URL of the broker. */
  readonly amqpUrl: string;
  /** Per-run HMAC key; every protocol message of the run is signed with it. Never logged or returned. */
  readonly signingKey: string;
  /**
   * Lease of one grant in milliseconds; the leader revokes a holder whose append or renewal it has not
   * seen by then. A live holder renews it every third of a lease. Default 5000.
   */
  readonly leaseMs?: number;
  /**
   * Longest time one grant may be held, renewals included, in milliseconds; at least `leaseMs`.
   * Default 30000.
   */
  readonly maxHoldMs?: number;
  /** Deadline of the whole activation in milliseconds, used when `__OW_DEADLINE` is not set. */
  readonly timeoutMs?: number;
  /** When true the result carries the leader's history events. */
  readonly history?: boolean;
  /** Interval of the leader's broadcasts (log batches, heartbeats) in milliseconds. Default 1000. */
  readonly heartbeatMs?: number;
  /**
   * Idle time in milliseconds after which the broker deletes the run's queues (`x-expires`).
   * Every party of a run must pass the same value. Default 300000.
   */
  readonly expiresMs?: number;
  /**
   * Where granted slaves publish their appends, decided by the leader for the whole run and told to
   * each slave in its welcome. `'fanout'` (default): to the run's log exchange, so the leader and every
   * slave see every append (about N² deliveries; slaves cross-check the leader's commits against the
   * signed appends). `'leader'`: to the leader's queue only (about N deliveries): the choice for large N.
   */
  readonly appendRoute?: AppendRoute;
}

/** Parameters of the `slave` action. */
export interface SlaveParams {
  /** This slave's id, an integer in 0..n-1. */
  readonly id: number;
  readonly n: number;
  readonly runId: string;
  readonly amqpUrl: string;
  readonly signingKey: string;
  readonly timeoutMs?: number;
  readonly history?: boolean;
  /** Same meaning as the leader's `expiresMs`; every party of a run must pass the same value. */
  readonly expiresMs?: number;
  /**
   * Used only when the leader's welcome names no route (the leader's `appendRoute` decides).
   * Default `'fanout'`.
   */
  readonly appendRoute?: AppendRoute;
}

/** What a slave returns: the agreed list, identical in every slave of the run. */
export interface SlaveResult {
  readonly id: number;
  /** The value this slave's callback produced and appended. */
  readonly value: JsonValue;
  /** The agreed list: one value per committed slave, in the order of the grants. */
  readonly list: JsonValue[];
  /** Index of this slave's value in `list`. */
  readonly position: number;
  /** Slave ids whose values are not in the list (revoked or abandoned), ascending. */
  readonly missing: number[];
  /** Messages this slave received and dropped (bad signature, malformed, foreign, replayed, stale). */
  readonly dropped: number;
  /**
   * Other activations' appends that this slave's inbox received on the fanout route while it served
   * this activation (every append published after the inbox was bound and before the activation
   * ended), each seq once; an append that a commit contradicts or another epoch's token fences is not
   * counted. 0 on the `'leader'` route.
   */
  readonly appendsSeen?: number;
  /**
   * Messages delivered to this slave's inbox, all kinds, dropped ones included. Activations of a run
   * in one process share an inbox; each of its deliveries is counted by one of them (a direct message
   * by its addressee), so the sum over slaves is what the broker delivered to slave inboxes.
   */
  readonly received?: number;
  readonly history?: HistoryEvent[];
}

/**
 * What the leader returns. On a complete run it is empty (OpenWhisk results are dictionaries),
 * or carries only `history` when that was asked for.
 */
export interface LeaderResult {
  readonly history?: HistoryEvent[];
}
