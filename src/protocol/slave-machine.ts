import type { HistoryEvent } from '../history/event.js';
import { MIN_LEADER_SILENCE_MS, SILENT_HEARTBEATS } from './limits.js';
import { listDigest } from './list-digest.js';
import type { EndMessage, Entry, FromLeader, LogMessage, Message, Revocation, Send } from './messages.js';
import type { FailureCode } from './failure.js';

/** What a slave machine needs to know; times are epoch milliseconds on the caller's clock. */
export interface SlaveMachineConfig {
  readonly runId: string;
  readonly id: number;
  /** Random per activation: tells this activation apart from earlier ones of the same slave id. */
  readonly nonce: string;
  /** The value this activation appends when granted. */
  readonly value: number;
  /** When waiting must stop (the activation's deadline less its safety margin). */
  readonly giveUpAt: number;
  readonly activationId?: string;
}

/** A slave's outcome: the agreed list, or a failure with its code. */
export type SlaveOutcome =
  | {
      readonly ok: true;
      /** The value committed for this slave (this activation's, or an earlier activation's). */
      readonly value: number;
      readonly list: readonly Entry[];
      readonly position: number;
      readonly missing: readonly number[];
    }
  | { readonly ok: false; readonly code: FailureCode; readonly error: string };

type Phase = 'starting' | 'registering' | 'waiting' | 'appended';

/**
 * A slave: requests write permission, appends its value when granted, and follows the leader's log
 * (catch-up snapshot, then batches) until the leader's end seals the list.
 *
 * Only the leader's messages decide the list, accepted strictly in the leader's numbering (`no`), so
 * every slave builds the same list whatever the broker did to other publishers' messages. Duplicates,
 * replays, reordered, foreign and misaddressed messages are dropped and counted, never applied.
 * Pure: no I/O and no timers; `wakeAt` says when `tick` must be called next.
 */
export class SlaveMachine {
  readonly history: HistoryEvent[] = [];
  private phase: Phase = 'starting';
  private epoch: string | undefined;
  private lastNo = -1;
  private lastHeardAt = 0;
  private silenceMs = 0;
  private readonly list: Entry[] = [];
  private readonly revoked = new Map<number, number>();
  private grantSeq: number | undefined;
  private droppedCount = 0;
  private result: SlaveOutcome | undefined;

  constructor(private readonly config: SlaveMachineConfig) {}

  get outcome(): SlaveOutcome | undefined {
    return this.result;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** When `tick` must run next: the leader-silence limit or the give-up time. */
  get wakeAt(): number | undefined {
    if (this.result !== undefined) return undefined;
    return Math.min(this.config.giveUpAt, this.silentAt());
  }

  /** When the leader counts as gone; silence is judged only once the leader has answered. */
  private silentAt(): number {
    return this.epoch === undefined ? Number.POSITIVE_INFINITY : this.lastHeardAt + this.silenceMs;
  }

  /**
   * Sends the write request. The shell calls this only once the inbox is bound to the log exchange
   * and the leader's queue is declared, so neither the request nor any answer can be lost.
   */
  start(now: number): Send[] {
    const { runId, id, nonce } = this.config;
    this.phase = 'registering';
    this.history.push({ ...this.base(now), type: 'request', actor: 'slave', slave: id });
    return [{ target: { to: 'leader' }, message: { k: 'request', run: runId, no: 0, slave: id, nonce } }];
  }

  /** A message from this slave's inbox that passed signature and shape checks. */
  receive(message: Message, now: number): Send[] {
    if (this.result !== undefined) return [];
    if (message.k === 'request' || message.k === 'append' || message.k === 'abandon') {
      this.drop(`unexpected ${message.k}`, now);
      return [];
    }
    if (!this.accept(message, now)) return [];
    switch (message.k) {
      case 'welcome':
        this.onWelcome(message.add, message.rev, message.beatMs, now);
        return [];
      case 'grant':
        return this.onGrant(message.seq, message.token, now);
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

  /** Records a message dropped before it could be decoded. */
  drop(reason: string, now: number): void {
    this.droppedCount += 1;
    this.history.push({ ...this.base(now), type: 'drop', actor: 'slave', slave: this.config.id, reason });
  }

  /** Time passed: give up at the deadline, or when the leader has gone silent. */
  tick(now: number): Send[] {
    if (this.result !== undefined) return [];
    if (now >= this.config.giveUpAt) {
      this.fail('TIMEOUT', `timed out ${this.waitingFor()}`);
    } else if (now >= this.silentAt()) {
      const silent = Math.round(now - this.lastHeardAt);
      this.fail('LEADER_SILENT', `the leader went silent for ${silent} ms ${this.waitingFor()}`);
    }
    return [];
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
      // Until the catch-up arrives, broadcasts are covered by it (it is published after them).
      if (m.k === 'welcome') this.epoch = m.epoch;
      else if (m.k === 'end') {
        this.fail('NOT_COMMITTED', 'the run ended before the leader answered the write request');
        return false;
      } else if (m.k === 'log') return false;
      else {
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

  private onWelcome(add: readonly Entry[], rev: readonly Revocation[], beatMs: number, now: number): void {
    if (this.phase !== 'registering') {
      this.drop('second welcome', now);
      return;
    }
    this.phase = 'waiting';
    this.silenceMs = Math.max(MIN_LEADER_SILENCE_MS, SILENT_HEARTBEATS * beatMs);
    this.apply(0, add, rev);
  }

  private onGrant(seq: number, token: string, now: number): Send[] {
    if (this.phase !== 'waiting') {
      this.drop(`unexpected grant of seq ${seq}`, now);
      return [];
    }
    this.phase = 'appended';
    this.grantSeq = seq;
    const { runId, id, nonce, value } = this.config;
    this.history.push({ ...this.base(now), type: 'append', actor: 'slave', slave: id, seq, token, value });
    const message = { k: 'append', run: runId, no: 1, slave: id, nonce, seq, token, value } as const;
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
      else if (known[0] !== entry[0] || known[1] !== entry[1]) return false;
    }
    for (const [seq, slave] of rev) this.revoked.set(seq, slave);
    return true;
  }

  private onEnd(m: EndMessage, now: number): void {
    if (!this.follow(m, now)) return;
    if (m.count !== this.list.length || m.digest !== listDigest(this.list)) {
      this.fail(
        'PROTOCOL',
        `the followed list (${this.list.length} entries) differs from the leader's (${m.count})`,
      );
      return;
    }
    const position = this.list.findIndex(([slave]) => slave === this.config.id);
    const entry = this.list[position];
    if (entry === undefined) {
      const reason = this.phase === 'appended' ? 'its append came too late' : 'it was never granted';
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

  private base(now: number): { runId: string; t: number; activationId?: string } {
    const { runId, activationId } = this.config;
    return activationId === undefined ? { runId, t: now } : { runId, t: now, activationId };
  }
}
