/**
 * The protocol's messages. Field names are short because every broadcast reaches every slave.
 *
 * Counters (`no`) make duplicates, replays and reordering visible: the leader numbers every message it
 * publishes, on its one channel, from 0 upwards, and a reader accepts only a number above the last one
 * it accepted. Slaves and the client number their own messages per activation nonce.
 */

import { sameValue, type JsonValue } from './json-value.js';

/** One list entry: the slave that held the grant and the JSON value it appended. */
export type Entry = readonly [slave: number, value: JsonValue];

/** Whether two entries name the same slave and the same value (compared as JSON). */
export function sameEntry(a: Entry, b: Entry): boolean {
  return a === b || (a[0] === b[0] && sameValue(a[1], b[1]));
}

/** Tells activations of one slave apart: its id and the activation's random nonce. */
export function activationKey(slave: number, nonce: string): string {
  return `${slave}.${nonce}`;
}

/** One revocation: the grant's seq and the slave that held it. */
export type Revocation = readonly [seq: number, slave: number];

/**
 * Where a granted slave publishes its append:
 * - `'fanout'`: to the run's log exchange, which the leader's queue and every slave inbox are bound
 *   to; every slave sees every append (about N² deliveries per run) and cross-checks the leader's
 *   commits against the signed appends.
 * - `'leader'`: to the leader's queue only (about N deliveries per run); slaves learn the list from
 *   the leader's log alone. The lever for large N.
 */
export type AppendRoute = 'fanout' | 'leader';

/** Every append route, for validation and help texts. */
export const APPEND_ROUTES: readonly AppendRoute[] = ['fanout', 'leader'];

/** Fields of every message: the run it belongs to and its sender's counter. */
interface MessageBase {
  readonly run: string;
  readonly no: number;
}

/** Fields of a message a slave activation (or the client on its behalf) sends. */
interface FromSlaveBase extends MessageBase {
  readonly slave: number;
  readonly nonce: string;
}

/** Fields of every message the leader sends. */
interface FromLeaderBase extends MessageBase {
  readonly epoch: string;
}

/** Fields of a leader message addressed to one slave activation's inbox. */
interface ToOneSlaveBase extends FromLeaderBase {
  readonly slave: number;
  readonly nonce: string;
}

/** Fields of a leader broadcast: entries from position `at` on and recent revocations. */
interface LogBatch extends FromLeaderBase {
  readonly at: number;
  readonly add: readonly Entry[];
  /** Grant seq of each entry of `add`, same length. */
  readonly seqs?: readonly number[];
  readonly rev: readonly Revocation[];
}

/** Slave → leader queue: "slave `slave` (activation `nonce`) wants to write; my inbox is bound". */
export interface RequestMessage extends FromSlaveBase {
  readonly k: 'request';
  /**
   * Id of the inbox shared by every activation of this run in the slave's process; the leader sends
   * the welcome, grant and revoke there. Absent: the activation's own inbox.
   */
  readonly box?: string;
}

/** Slave → log exchange (route `'fanout'`) or leader queue (route `'leader'`): the value, under the grant the token names. */
export interface AppendMessage extends FromSlaveBase {
  readonly k: 'append';
  readonly seq: number;
  readonly token: string;
  readonly value: JsonValue;
}

/** Holder → leader queue: "I am alive and still working under grant `seq`": extends its lease. */
export interface RenewMessage extends FromSlaveBase {
  readonly k: 'renew';
  readonly seq: number;
  readonly token: string;
}

/**
 * Holder → leader queue: "I give grant `seq` back without a value" (its callback failed); the leader
 * grants the next slave at once instead of waiting for the lease, and ends the run without this one.
 */
export interface ReleaseMessage extends FromSlaveBase {
  readonly k: 'release';
  readonly seq: number;
  readonly token: string;
}

/** Client → leader queue: slave `slave` failed for good; stop waiting for it. */
export interface AbandonMessage extends FromSlaveBase {
  readonly k: 'abandon';
}

/** Leader → one slave's inbox: the request was registered; here is the list so far (catch-up). */
export interface WelcomeMessage extends ToOneSlaveBase {
  readonly k: 'welcome';
  /**
   * Position of the first entry of `add`. Above 0 only for a shared inbox the leader welcomed before:
   * that inbox has every earlier entry from its first welcome and the log since, and hands them to the
   * activation ({@link RunInbox}). Absent: 0.
   */
  readonly at?: number;
  readonly add: readonly Entry[];
  /** Grant seq of each entry of `add`, same length; lets a slave match commits to signed appends. */
  readonly seqs?: readonly number[];
  readonly rev: readonly Revocation[];
  /** The leader's broadcast interval, from which the slave derives its leader-silence timeout. */
  readonly beatMs: number;
  /** Where the slave must publish its append; the leader decides it for the whole run. */
  readonly route?: AppendRoute;
}

/** Leader → one slave's inbox: write permission for grant `seq`, fenced by `token`. */
export interface GrantMessage extends ToOneSlaveBase {
  readonly k: 'grant';
  readonly seq: number;
  readonly token: string;
  readonly leaseMs: number;
  /**
   * Entries from position `at` on that the leader committed but has not broadcast yet (with their
   * grant seqs), so the holder knows the whole list before it computes its value. Absent: none.
   */
  readonly at?: number;
  readonly add?: readonly Entry[];
  readonly seqs?: readonly number[];
  /**
   * Longest time this grant may be held, renewals included, from the grant. Absent: one lease (the
   * holder then has no reason to renew).
   */
  readonly holdMs?: number;
}

/** Leader → the holder's inbox: grant `seq` is withdrawn; an append under it will be ignored. */
export interface RevokeMessage extends ToOneSlaveBase {
  readonly k: 'revoke';
  readonly seq: number;
  readonly token: string;
  readonly reason: string;
}

/** Leader → fanout: entries from position `at` on and recent revocations; doubles as heartbeat. */
export interface LogMessage extends LogBatch {
  readonly k: 'log';
  /** The leader's broadcast interval, so a slave not yet welcomed can judge the leader's silence. */
  readonly beat?: number;
}

/**
 * Leader → fanout: the last log batch, sealed with the list's length and digest, and who is missing.
 * The same seal with the whole list (`at` 0) is the run's end record, kept after the run for late
 * parties (see `RunNames.endRecord`).
 */
export interface EndMessage extends LogBatch {
  readonly k: 'end';
  readonly count: number;
  readonly digest: string;
  readonly missing: readonly number[];
  /** Present when the leader failed: why. Every slave then fails with `LEADER_FAILED`. */
  readonly error?: string;
}

export type ToLeader = RequestMessage | AppendMessage | RenewMessage | ReleaseMessage | AbandonMessage;
export type FromLeader = WelcomeMessage | GrantMessage | RevokeMessage | LogMessage | EndMessage;
export type Message = ToLeader | FromLeader;

/** Where a machine wants a message to go; the broker adapter maps this to queue and exchange names. */
export type Target =
  | { readonly to: 'leader' }
  | { readonly to: 'log' }
  | { readonly to: 'slave'; readonly slave: number; readonly nonce: string; readonly box?: string };

/** A message a machine asks its shell to publish, in order. */
export interface Send {
  readonly target: Target;
  readonly message: Message;
}

/** The fencing token of grant `seq` in leader epoch `epoch`: unique per run, never reused. */
export function fencingToken(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}
