import type { JsonValue } from '../protocol/json-value.js';

/**
 * One line of a run's JSONL history. Every party records what it did or observed, so that one
 * checker can judge agreement, validity, mutual exclusion, fencing and termination after the fact.
 *
 * `t` is a wall-clock time in milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`). Times from different parties are comparable only
 * when they ran on one machine; the leader's own events always share one clock.
 */
export type HistoryEvent =
  | StartEvent
  | RequestEvent
  | GrantEvent
  | AppendEvent
  | CommitEvent
  | RevokeEvent
  | ReturnEvent
  | DropEvent
  | InvokeEvent
  | EndEvent;

interface BaseEvent {
  readonly runId: string;
  readonly t: number;
  /** The OpenWhisk activation that recorded the event, when known. */
  readonly activationId?: string;
}

/**
 * An activation began running its protocol code, before it touched the broker. Optional: it lets a
 * timeline separate the platform's start-up time from the wait for the broker and the other parties.
 */
export interface StartEvent extends BaseEvent {
  readonly type: 'start';
  readonly actor: 'leader' | 'slave';
  /** The slave's own id; absent for the leader. */
  readonly slave?: number;
}

/** A slave sent its write request to the leader. */
export interface RequestEvent extends BaseEvent {
  readonly type: 'request';
  readonly actor: 'slave';
  readonly slave: number;
}

/** The leader granted write permission; `seq` counts grants from 0, revoked ones included. */
export interface GrantEvent extends BaseEvent {
  readonly type: 'grant';
  readonly actor: 'leader';
  readonly seq: number;
  readonly slave: number;
  /** Fencing token of this grant: unique per leader epoch and seq. */
  readonly token: string;
  readonly leaseMs: number;
}

/** A slave published its value under the grant it holds. */
export interface AppendEvent extends BaseEvent {
  readonly type: 'append';
  readonly actor: 'slave';
  readonly seq: number;
  readonly slave: number;
  readonly token: string;
  readonly value: JsonValue;
}

/** The leader observed the holder's append and made it the next entry of the list. */
export interface CommitEvent extends BaseEvent {
  readonly type: 'commit';
  readonly actor: 'leader';
  readonly seq: number;
  readonly slave: number;
  readonly token: string;
  readonly value: JsonValue;
  /** Index of the entry in the list (equals the number of earlier commits). */
  readonly position: number;
}

/** The leader withdrew a grant (lease expired, or the client reported the holder dead). */
export interface RevokeEvent extends BaseEvent {
  readonly type: 'revoke';
  readonly actor: 'leader';
  readonly seq: number;
  readonly slave: number;
  readonly token: string;
  readonly reason: string;
}

/** A leader or slave activation returned, successfully or with an error. */
export interface ReturnEvent extends BaseEvent {
  readonly type: 'return';
  readonly actor: 'leader' | 'slave';
  readonly slave?: number;
  readonly ok: boolean;
  readonly list?: readonly JsonValue[];
  readonly error?: string;
}

/** A party dropped a message it received (bad signature, malformed, foreign run, replay, stale token). */
export interface DropEvent extends BaseEvent {
  readonly type: 'drop';
  readonly actor: 'leader' | 'slave';
  readonly slave?: number;
  readonly reason: string;
}

/** The client invoked an activation. */
export interface InvokeEvent extends BaseEvent {
  readonly type: 'invoke';
  readonly actor: 'client';
  readonly role: 'leader' | 'slave';
  readonly slave?: number;
}

/** The client saw an activation finish. */
export interface EndEvent extends BaseEvent {
  readonly type: 'end';
  readonly actor: 'client';
  readonly role: 'leader' | 'slave';
  readonly slave?: number;
  readonly status:
    'success' | 'application error' | 'action developer error' | 'whisk internal error' | 'timeout';
}
