import type { HistoryEvent } from '../history/event.js';
import { eventBase, type EventBase } from './event-base.js';
import type { JsonValue } from './json-value.js';
import {
  DEFAULT_HEARTBEAT_MS,
  MIN_LEADER_SILENCE_MS,
  RENEWALS_PER_LEASE,
  SILENT_HEARTBEATS,
} from './limits.js';
import { listDigest } from './list-digest.js';
import {
  sameEntry,
  type AppendRoute,
  type EndMessage,
  type Entry,
  type FromLeader,
  type GrantMessage,
  type LogMessage,
  type Message,
  type Revocation,
  type Send,
  type WelcomeMessage,
} from './messages.js';
import type { FailureCode } from './failure.js';

/** What a slave machine needs to know; times are epoch milliseconds on the caller's clock. */
export interface SlaveMachineConfig {
  readonly runId: string;
  readonly id: number;
  /** Random per activation: tells this activation apart from earlier ones of the same slave id. */
  readonly nonce: string;
  /** When waiting must stop (the activation's deadline less its safety margin). */
  readonly giveUpAt: number;
  readonly activationId?: string;
  /**
   * Where to publish the append when the leader's welcome does not say (the leader decides it for
   * the run). Default `'fanout'`.
   */
  readonly appendRoute?: AppendRoute;
  /** Id of the inbox this activation shares with others of the run in its process, named in the request. */
  readonly box?: string;
  /**
   * Digest of a list, to check the leader's end against; given a memoizing one when many machines
   * check the same list. Default {@link listDigest}.
   */
  readonly digest?: (entries: readonly Entry[]) => string;
}

/** A slave's outcome: the agreed list, or a failure with its code. */
export type SlaveOutcome =
  | {
      readonly ok: true;
      /** The value committed for this slave (this activation's, or an earlier activation's). */
      readonly value: JsonValue;
      readonly list: readonly Entry[];
      readonly position: number;
      readonly missing: readonly number[];
    }
  | { readonly ok: false; readonly code: FailureCode; readonly error: string };

type Phase = 'starting' | 'registering' | 'waiting' | 'holding' | 'appended';

/** The write permission this activation holds: what its callback is told, and its lease. */
export interface HeldGrant {
  readonly seq: number;
  readonly token: string;
  /** Where the value will go: the number of entries committed before it. */
  readonly position: number;
  /** The values committed before it, in order. */
  readonly list: readonly JsonValue[];
  /** When the leader revokes the grant at the latest, renewals included (this machine's clock). */
  readonly holdUntil: number;
}

/**
 * A slave: requests write permission; once granted it exposes the grant (`grant`) so that its shell
 * runs the user's callback, renews the lease while the shell lives, appends the value the shell
 * `answer`s (or `release`s the grant when the callback failed), and follows the leader's log
 * (catch-up snapshot, then batches) until the leader's end seals the list.
 *
 * Only the leader's messages decide the list, accepted strictly in the leader's numbering (`no`), so
 * every slave builds the same list whatever the broker did to other publishers' messages. Duplicates,
 * replays, reordered, foreign and misaddressed messages are dropped and counted, never applied.
 * Other slaves' fanned-out appends decide nothing here: the inbox checks them once for all its
 * slaves against the leader's commits (`AppendLedger`), and the machine ignores any it is handed.
 * Pure: no I/O and no timers; `wakeAt` says when `tick` must be called next.
 */
export class SlaveMachine {
  readonly history: HistoryEvent[] = [];
  private phase: Phase = 'starting';
  private epoch: string | undefined;
  private lastNo = -1;
  private lastHeardAt = 0;
  private silenceMs = 0;
  /** The leader was heard (a log broadcast) before it answered this activation's request. */
  private heardBeforeWelcome = false;
  /**
   * When a live end arrived before the welcome: its last batch cannot rebuild the list, so the slave
   * waits a little for the sealed end from the run's end record.
   */
  private endedAt: number | undefined;
  private readonly list: Entry[] = [];
  private readonly revoked = new Map<number, number>();
  private route: AppendRoute;
  private grantSeq: number | undefined;
  private held: HeldGrant | undefined;
  private renewEveryMs = 0;
  private nextRenewAt = Number.POSITIVE_INFINITY;
  /** Counter of this activation's own messages; the request is 0. */
  private nextNo = 1;
  private droppedCount = 0;
  private result: SlaveOutcome | undefined;

  constructor(private readonly config: SlaveMachineConfig) {
    this.route = config.appendRoute ?? 'fanout';
  }

  get outcome(): SlaveOutcome | undefined {
    return this.result;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** The grant this activation holds and has not yet answered with a value, if any. */
  get grant(): HeldGrant | undefined {
    return this.phase === 'holding' && this.result === undefined ? this.held : undefined;
  }

  /** When `tick` must run next: the leader-silence limit, the give-up time or the next renewal. */
  get wakeAt(): number | undefined {
    if (this.result !== undefined) return undefined;
    const renewAt = this.grant === undefined ? Number.POSITIVE_INFINITY : this.nextRenewAt;
    return Math.min(this.config.giveUpAt, this.silentAt(), renewAt);
  }

  /**
   * When the leader counts as gone; silence is judged once the leader has been heard (its answer or
   * a broadcast): until then it may simply not have started yet.
   */
  private silentAt(): number {
    if (this.endedAt !== undefined) return this.endedAt + MIN_LEADER_SILENCE_MS;
    const heard = this.epoch !== undefined || this.heardBeforeWelcome;
    return heard ? this.lastHeardAt + this.silenceMs : Number.POSITIVE_INFINITY;
  }

  /**
   * Sends the write request. The shell calls this only once the inbox is bound to the log exchange
   * and the leader's queue is declared, so neither the request nor any answer can be lost.
   */
  start(now: number): Send[] {
    const { runId, id, nonce, box } = this.config;
    this.phase = 'registering';
    this.history.push({ ...this.base(now), type: 'request', actor: 'slave', slave: id });
    const request = { k: 'request', run: runId, no: 0, slave: id, nonce } as const;
    return [{ target: { to: 'leader' }, message: box === undefined ? request : { ...request, box } }];
  }

  /** A message from this slave's inbox that passed signature and shape checks. */
  receive(message: Message, now: number): Send[] {
    // An append on the fanout is the inbox's to check (see the class comment); the list is the leader's.
    if (this.result !== undefined || message.k === 'append') return [];
    if (
      message.k === 'request' ||
      message.k === 'abandon' ||
      message.k === 'renew' ||
      message.k === 'release'
    ) {
      this.drop(`unexpected ${message.k}`, now);
      return [];
    }
    if (!this.accept(message, now)) return [];
    switch (message.k) {
      case 'welcome':
        this.onWelcome(message, now);
        return [];
      case 'grant':
        this.onGrant(message, now);
        return [];
      case 'revoke':
        this.onRevoke(message.seq, message.reason, now);
        return [];
      case 'log':
        this.follow(message, now);
        return [];
      case 'end':
        this.onEnd(message, now);
        return [];
    }
  }

  /**
   * The shell saw the leader consuming its queue. Before the welcome this starts (and feeds) the
   * silence timer, so a leader that dies before answering fails this slave with `LEADER_SILENT`
   * instead of leaving it waiting until its deadline.
   */
  leaderAlive(now: number): void {
    if (this.result !== undefined || this.epoch !== undefined) return;
    if (!this.heardBeforeWelcome) this.silenceMs = MIN_LEADER_SILENCE_MS;
    this.heardBeforeWelcome = true;
    this.lastHeardAt = now;
  }

  /** Records a message dropped before it could be decoded. */
  drop(reason: string, now: number): void {
    this.droppedCount += 1;
    this.history.push({ ...this.base(now), type: 'drop', actor: 'slave', slave: this.config.id, reason });
  }

  /**
   * Time passed: give up at the deadline, or when the leader has gone silent; while holding a grant,
   * renew its lease. A paused process runs no timers, so a paused holder stops renewing by itself.
   */
  tick(now: number): Send[] {
    if (this.result !== undefined) return [];
    if (now >= this.config.giveUpAt) {
      this.fail('TIMEOUT', `timed out ${this.waitingFor()}`);
    } else if (this.endedAt !== undefined && now >= this.silentAt()) {
      this.fail(
        'NOT_COMMITTED',
        "the run ended before the leader answered this activation's request, and its end record could not be read",
      );
    } else if (now >= this.silentAt()) {
      const silent = Math.round(now - this.lastHeardAt);
      this.fail('LEADER_SILENT', `the leader went silent for ${silent} ms ${this.waitingFor()}`);
    } else {
      return this.renewIfDue(now);
    }
    return [];
  }

  /**
   * The value computed under grant `seq`. Published only while this activation still holds that
   * grant; a value that comes after the grant was lost (revoked, run over) is fenced here and never
   * leaves, and the leader would fence it anyway by its token.
   */
  answer(seq: number, value: JsonValue, now: number): Send[] {
    const held = this.grant;
    if (held?.seq !== seq) {
      this.drop(`value for seq ${seq} came after the grant was lost; fenced`, now);
      return [];
    }
    this.phase = 'appended';
    const { runId, id, nonce } = this.config;
    const { token } = held;
    this.history.push({ ...this.base(now), type: 'append', actor: 'slave', slave: id, seq, token, value });
    const message = {
      k: 'append',
      run: runId,
      no: this.nextNo++,
      slave: id,
      nonce,
      seq,
      token,
      value,
    } as const;
    // On the fanout the leader (bound to the same exchange) observes the release and every slave
    // sees the value; published on this slave's one channel after its request, so the leader's
    // queue gets them in that order either way.
    return [{ target: this.route === 'fanout' ? { to: 'log' } : { to: 'leader' }, message }];
  }

  /**
   * Gives grant `seq` back without a value (the callback failed) and fails with `code`: the leader
   * grants the next slave at once instead of waiting for the lease to run out.
   */
  release(seq: number, code: FailureCode, error: string): Send[] {
    const held = this.grant;
    if (held?.seq !== seq) return [];
    const { runId, id, nonce } = this.config;
    this.fail(code, error);
    const message = {
      k: 'release',
      run: runId,
      no: this.nextNo++,
      slave: id,
      nonce,
      seq,
      token: held.token,
    } as const;
    return [{ target: { to: 'leader' }, message }];
  }

  /**
   * Records this activation's return (the shell knows when it really returns).
   * @param failure - a failure of the shell (the broker) that overrides the machine's outcome
   */
  recordReturn(now: number, failure?: string): void {
    const r = this.result;
    const base = { ...this.base(now), type: 'return', actor: 'slave', slave: this.config.id } as const;
    if (failure === undefined && r?.ok === true) {
      this.history.push({ ...base, ok: true, list: r.list.map(([, v]) => v) });
    } else {
      this.history.push({ ...base, ok: false, error: failure ?? (r?.ok === false ? r.error : 'no outcome') });
    }
  }

  /** What this slave is waiting for and how far the run got, for errors and logs. */
  waitingFor(): string {
    const got = `${this.list.length} entries committed so far`;
    switch (this.phase) {
      case 'starting':
        return 'before sending the write request';
      case 'registering':
        return 'waiting for the leader to answer the write request (no answer yet: is the leader running?)';
      case 'waiting':
        return `waiting for write permission (${got})`;
      case 'holding':
        return `holding write permission under seq ${this.grantSeq ?? '?'}, its callback running (${got})`;
      case 'appended':
        return `waiting for the leader to end the run after appending under seq ${this.grantSeq ?? '?'} (${got})`;
    }
  }

  /** Checks origin, addressee and order; marks the leader as heard. */
  private accept(m: FromLeader, now: number): boolean {
    const direct = m.k === 'welcome' || m.k === 'grant' || m.k === 'revoke';
    if (direct && (m.slave !== this.config.id || m.nonce !== this.config.nonce)) {
      this.drop(`${m.k} addressed to slave ${m.slave} activation ${m.nonce}`, now);
      return false;
    }
    if (this.epoch === undefined) {
      // Until the catch-up arrives, broadcasts are covered by it (it is published after them); a
      // log still shows that the leader lives.
      if (m.k === 'welcome') this.epoch = m.epoch;
      else if (m.k === 'end') {
        if (!this.isWholeList(m, now)) return false;
        this.epoch = m.epoch;
      } else if (m.k === 'log') {
        this.heardBeforeWelcome = true;
        this.lastHeardAt = now;
        this.silenceMs = silenceOf(m.beat ?? DEFAULT_HEARTBEAT_MS);
        return false;
      } else {
        this.drop(`${m.k} before the leader's welcome`, now);
        return false;
      }
    } else if (m.epoch !== this.epoch) {
      this.drop(`${m.k} from another leader epoch`, now);
      return false;
    }
    if (m.no <= this.lastNo) {
      this.drop(`${m.k} no ${m.no} replayed or out of order (last ${this.lastNo})`, now);
      return false;
    }
    this.lastNo = m.no;
    this.lastHeardAt = now;
    return true;
  }

  /**
   * An end before this activation's welcome decides its outcome only when it carries the whole list
   * (the end record, or a run whose end is its first batch) or a failure; otherwise the slave waits
   * for the end record.
   */
  private isWholeList(m: EndMessage, now: number): boolean {
    if (m.error !== undefined) {
      this.fail('LEADER_FAILED', `the leader failed: ${m.error}`);
      return false;
    }
    if (m.at === 0 && m.add.length === m.count) return true;
    this.endedAt ??= now;
    return false;
  }

  private onWelcome(m: WelcomeMessage, now: number): void {
    if (this.phase !== 'registering') {
      this.drop('second welcome', now);
      return;
    }
    this.phase = 'waiting';
    this.silenceMs = silenceOf(m.beatMs);
    if (m.route !== undefined) this.route = m.route;
    if (!this.apply(m.at ?? 0, m.add, m.rev)) {
      this.fail(
        'PROTOCOL',
        `the leader's welcome starts at position ${m.at ?? 0}, past the list this slave has`,
      );
    }
  }

  /**
   * Write permission: first the entries the leader committed but has not broadcast yet, so that the
   * list handed to the callback is the whole agreed list before this grant.
   */
  private onGrant(m: GrantMessage, now: number): void {
    const { seq, token } = m;
    if (this.phase !== 'waiting') {
      this.drop(`unexpected grant of seq ${seq}`, now);
      return;
    }
    if (m.add !== undefined && !this.apply(m.at ?? 0, m.add, [])) {
      this.drop(`grant of seq ${seq} does not continue the list of ${this.list.length}`, now);
      this.fail('PROTOCOL', `the leader's grant skipped or changed entries at position ${m.at ?? 0}`);
      return;
    }
    this.phase = 'holding';
    this.grantSeq = seq;
    const holdMs = Math.max(m.leaseMs, m.holdMs ?? m.leaseMs);
    this.held = {
      seq,
      token,
      position: this.list.length,
      list: this.list.map(([, value]) => value),
      holdUntil: now + holdMs,
    };
    // Renewing only makes sense when the leader lets the hold outlast one lease.
    this.renewEveryMs = holdMs > m.leaseMs ? Math.max(1, Math.floor(m.leaseMs / RENEWALS_PER_LEASE)) : 0;
    this.nextRenewAt = this.renewEveryMs > 0 ? now + this.renewEveryMs : Number.POSITIVE_INFINITY;
  }

  /** A keep-alive for the held grant when one is due (and the hold has time left). */
  private renewIfDue(now: number): Send[] {
    const held = this.grant;
    if (held === undefined || now < this.nextRenewAt) return [];
    if (now >= held.holdUntil) {
      this.nextRenewAt = Number.POSITIVE_INFINITY;
      return [];
    }
    // From now, not from the missed time: after a pause the holder renews once, not once per miss.
    this.nextRenewAt = now + this.renewEveryMs;
    const { runId, id, nonce } = this.config;
    const message = {
      k: 'renew',
      run: runId,
      no: this.nextNo++,
      slave: id,
      nonce,
      seq: held.seq,
      token: held.token,
    } as const;
    return [{ target: { to: 'leader' }, message }];
  }

  private onRevoke(seq: number, reason: string, now: number): void {
    if (this.grantSeq !== seq) {
      this.drop(`revoke of seq ${seq}, not this slave's grant`, now);
      return;
    }
    this.revoked.set(seq, this.config.id);
    this.fail(
      'REVOKED',
      `the leader revoked this slave's grant (seq ${seq}): ${reason}; its value is not in the list`,
    );
  }

  private follow(m: LogMessage | EndMessage, now: number): boolean {
    if (!this.apply(m.at, m.add, m.rev)) {
      this.drop(`log batch at ${m.at} does not continue the list of ${this.list.length}`, now);
      this.fail('PROTOCOL', `the leader's log skipped or changed entries at position ${m.at}`);
      return false;
    }
    return true;
  }

  /** Applies a batch starting at `at`; an overlap must repeat what is known. False on a gap or conflict. */
  private apply(at: number, add: readonly Entry[], rev: readonly Revocation[]): boolean {
    if (at > this.list.length) return false;
    for (const [i, entry] of add.entries()) {
      const known = this.list[at + i];
      if (known === undefined) this.list.push(entry);
      else if (!sameEntry(known, entry)) return false;
    }
    for (const [seq, slave] of rev) this.revoked.set(seq, slave);
    return true;
  }

  private onEnd(m: EndMessage, now: number): void {
    if (m.error !== undefined) {
      this.fail('LEADER_FAILED', `the leader failed: ${m.error}`);
      return;
    }
    if (!this.follow(m, now)) return;
    if (m.count !== this.list.length || m.digest !== (this.config.digest ?? listDigest)(this.list)) {
      this.fail(
        'PROTOCOL',
        `the followed list (${this.list.length} entries) differs from the leader's (${m.count})`,
      );
      return;
    }
    const position = this.list.findIndex(([slave]) => slave === this.config.id);
    const entry = this.list[position];
    if (entry === undefined) {
      const reason =
        this.phase === 'appended'
          ? 'its append came too late'
          : this.phase === 'holding'
            ? 'its callback was still running'
            : this.phase === 'waiting'
              ? 'it was never granted'
              : 'the run was over before this activation registered';
      this.fail(
        'NOT_COMMITTED',
        `the run ended without this slave's value (${reason}); ${m.count} entries committed`,
      );
      return;
    }
    this.result = { ok: true, value: entry[1], list: [...this.list], position, missing: [...m.missing] };
  }

  private fail(code: FailureCode, error: string): void {
    this.result = { ok: false, code, error: `slave ${this.config.id}: ${error}` };
  }

  /** The base of the next event: each is pushed onto `history` as soon as it is made. */
  private base(now: number): EventBase {
    return eventBase(this.config, now, this.history.length);
  }
}

/** How long a leader broadcasting every `beatMs` may stay silent before it counts as gone. */
function silenceOf(beatMs: number): number {
  return Math.max(MIN_LEADER_SILENCE_MS, SILENT_HEARTBEATS * beatMs);
}
