import type { DropEvent, HistoryEvent } from '../history/event.js';
import { eventBase, type EventBase } from './event-base.js';
import type { JsonValue } from './json-value.js';
import { listDigest } from './list-digest.js';
import {
  fencingToken,
  type AppendRoute,
  type EndMessage,
  type Entry,
  type FromLeader,
  type Message,
  type Revocation,
  type Send,
  type Target,
} from './messages.js';

/** What a leader machine needs to know; times are epoch milliseconds on the caller's clock. */
export interface LeaderMachineConfig {
  readonly runId: string;
  readonly n: number;
  /** Random per leader activation; part of every fencing token. */
  readonly epoch: string;
  readonly leaseMs: number;
  /**
   * Longest time one grant may be held, renewals included (at least `leaseMs`). Default
   * `leaseMs`: a holder cannot extend its lease.
   */
  readonly maxHoldMs?: number;
  readonly heartbeatMs: number;
  /** When the run must be over (the activation's deadline less its safety margin). */
  readonly endBy: number;
  readonly activationId?: string;
  /** Where slaves publish their appends; told to each slave in its welcome. Default `'fanout'`. */
  readonly appendRoute?: AppendRoute;
}

/** How the run ended, decided by the leader. */
export interface LeaderOutcome {
  readonly complete: boolean;
  readonly list: readonly Entry[];
  /** Slaves without an entry, ascending, each with why. */
  readonly missing: readonly { readonly slave: number; readonly why: string }[];
}

type SlaveStatus = 'absent' | 'pending' | 'holding' | 'revoked' | 'committed' | 'abandoned';

/** Where one slave activation takes direct messages; its `nonce` names the activation. */
type SlaveTarget = Extract<Target, { to: 'slave' }>;

interface Holder {
  readonly seq: number;
  readonly slave: number;
  readonly token: string;
  /** Renewals move it on, never past `holdUntil`. */
  leaseUntil: number;
  /** The holder renewed at least once: a lapse at `holdUntil` is then the maximum hold, not silence. */
  renewed: boolean;
  readonly holdUntil: number;
  /** Where the holder's direct messages go; names the holding activation. */
  readonly target: SlaveTarget;
}

/**
 * The leader: registers requests, grants one pending slave at a time (uniformly at random), commits
 * the holder's append when its token is the current one, revokes on lease expiry, and ends the run
 * when every slave is committed or abandoned, or when time is up.
 *
 * Pure: no I/O and no timers. Each input returns the messages to publish, in order, on one channel;
 * that single ordered stream is the run's decision log, so every reader derives the same list.
 * `wakeAt` says when `tick` must be called next.
 */
export class LeaderMachine {
  /** Events recorded so far (grant, commit, revoke, drop, return). */
  readonly history: HistoryEvent[] = [];
  private readonly status: SlaveStatus[];
  /**
   * Each slave's latest registered activation and where it takes direct messages (its own inbox or a
   * shared one): where its grant would go.
   */
  private readonly targets: (SlaveTarget | undefined)[];
  private readonly why: (string | undefined)[];
  /** Slaves committed or abandoned: final states, so the run is over when every slave is in one. */
  private settled = 0;
  private readonly pending: number[] = [];
  private readonly seenNonces = new Set<string>();
  /** Shared inboxes already welcomed: they hold every broadcast entry, so a welcome sends them only the rest. */
  private readonly welcomedBoxes = new Set<string>();
  private readonly list: Entry[] = [];
  /** Grant seq of each list entry, sent along so slaves can match commits to the appends they saw. */
  private readonly seqs: number[] = [];
  private readonly revocations: Revocation[] = [];
  private holder: Holder | undefined;
  private nextSeq = 0;
  private nextNo = 0;
  /** Entries and revocations already broadcast on the log. */
  private broadcastEntries = 0;
  private broadcastRevocations = 0;
  private lastBroadcastAt = Number.NEGATIVE_INFINITY;
  private droppedCount = 0;
  private result: LeaderOutcome | undefined;
  private sealed: EndMessage | undefined;

  /**
   * @param pick - returns a uniformly random integer in [0, bound); `crypto.randomInt` in production
   */
  constructor(
    private readonly config: LeaderMachineConfig,
    private readonly pick: (bound: number) => number,
  ) {
    this.status = Array.from({ length: config.n }, () => 'absent');
    this.targets = Array.from({ length: config.n }, () => undefined);
    this.why = Array.from({ length: config.n }, () => undefined);
  }

  /** The run's outcome once decided; after that every input is ignored. */
  get outcome(): LeaderOutcome | undefined {
    return this.result;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Once the run is over: its end sealed with the whole list (`at` 0), for the run's end record, which
   * lets a party that starts after the end learn the outcome. Numbered after the live end.
   */
  get sealedEnd(): EndMessage | undefined {
    return this.sealed;
  }

  /** When `tick` must run next: the end of the current lease, the next heartbeat, or the deadline. */
  get wakeAt(): number | undefined {
    if (this.result !== undefined) return undefined;
    return Math.min(
      this.config.endBy,
      this.holder?.leaseUntil ?? Number.POSITIVE_INFINITY,
      this.lastBroadcastAt + this.config.heartbeatMs,
    );
  }

  /** Starts the run: announces the leader on the log, which also marks the leader alive. */
  start(now: number): Send[] {
    const out: Send[] = [];
    this.broadcast(now, out);
    return out;
  }

  /** A message from the leader's queue that passed signature and shape checks. */
  receive(message: Message, now: number): Send[] {
    const out: Send[] = [];
    if (this.result !== undefined) return out;
    switch (message.k) {
      case 'request':
        this.onRequest(message.slave, message.nonce, message.box, now, out);
        break;
      case 'append':
        this.onAppend(message.slave, message.nonce, message.token, message.value, now, out);
        break;
      case 'renew':
        this.onRenew(message.slave, message.nonce, message.token, now);
        break;
      case 'release':
        this.onRelease(message.slave, message.nonce, message.token, now, out);
        break;
      case 'abandon':
        this.onAbandon(message.slave, message.nonce, now, out);
        break;
      default:
        // The leader's queue is bound to the log exchange (the binding keeps the exchange alive and
        // brings fanned-out appends); its own broadcasts come back and are skipped. Anything else
        // from a leader is foreign.
        if (message.k === 'log' || message.k === 'end') {
          if (message.epoch !== this.config.epoch) this.drop(`${message.k} from another leader`, now);
        } else {
          this.drop(`unexpected ${message.k}`, now);
        }
    }
    this.finishIfDone(now, out);
    return out;
  }

  /** Records a message dropped before it could be decoded. */
  drop(reason: string, now: number): void {
    this.droppedCount += 1;
    const event: DropEvent = { ...this.base(now), type: 'drop', actor: 'leader', reason };
    this.history.push(event);
  }

  /** Time passed: expire the lease, end at the deadline, broadcast a heartbeat when due. */
  tick(now: number): Send[] {
    const out: Send[] = [];
    if (this.result !== undefined) return out;
    if (now >= this.config.endBy) {
      this.end(now, out);
      return out;
    }
    if (this.holder !== undefined && now >= this.holder.leaseUntil) {
      const atMaximum = this.holder.renewed && this.holder.leaseUntil >= this.holder.holdUntil;
      this.revoke(atMaximum ? 'maximum hold time reached' : 'lease expired', now, out);
      this.grantNext(now, out);
    }
    if (now >= this.lastBroadcastAt + this.config.heartbeatMs) this.broadcast(now, out);
    return out;
  }

  /** Records this activation's return (the shell knows when it really returns). */
  recordReturn(now: number, ok: boolean, error?: string): void {
    this.history.push({
      ...this.base(now),
      type: 'return',
      actor: 'leader',
      ok,
      ...(this.result === undefined ? {} : { list: this.result.list.map(([, v]) => v) }),
      ...(error === undefined ? {} : { error }),
    });
  }

  /** One line on how far the run got, for errors and logs. */
  progress(): string {
    const revoked = this.revocations.length;
    const holder =
      this.holder === undefined ? '' : `, slave ${this.holder.slave} holding seq ${this.holder.seq}`;
    return (
      `${this.list.length} of ${this.config.n} committed, ${this.pending.length} pending, ` +
      `${revoked} revoked${holder}`
    );
  }

  private onRequest(slave: number, nonce: string, box: string | undefined, now: number, out: Send[]): void {
    if (!this.known(slave, now)) return;
    const key = `${slave}.${nonce}`;
    if (this.seenNonces.has(key)) {
      this.drop(`duplicate request from slave ${slave}`, now);
      return;
    }
    this.seenNonces.add(key);
    // A new activation of a slave means the client gave up on the previous one.
    const target: SlaveTarget =
      box === undefined ? { to: 'slave', slave, nonce } : { to: 'slave', slave, nonce, box };
    this.targets[slave] = target;
    const status = this.status[slave];
    if (status === 'holding') this.revoke('slave registered again', now, out);
    if (status !== 'committed' && status !== 'abandoned' && status !== 'pending') {
      this.status[slave] = 'pending';
      this.pending.push(slave);
    }
    // Catch-up: everything decided so far. Published before any later log message on the same
    // channel, so the slave misses nothing and can check the overlap with the next batch. A shared
    // inbox welcomed before has had every entry broadcast since (O(n) bytes per late slave otherwise).
    const at = box !== undefined && this.welcomedBoxes.has(box) ? this.broadcastEntries : 0;
    if (box !== undefined) this.welcomedBoxes.add(box);
    this.send(target, out, {
      k: 'welcome',
      run: this.config.runId,
      epoch: this.config.epoch,
      no: this.nextNo,
      slave,
      nonce,
      ...(at === 0 ? {} : { at }),
      add: this.list.slice(at),
      seqs: this.seqs.slice(at),
      rev: [...this.revocations],
      beatMs: this.config.heartbeatMs,
      route: this.config.appendRoute ?? 'fanout',
    });
    this.grantNext(now, out);
  }

  private onAppend(
    slave: number,
    nonce: string,
    token: string,
    value: JsonValue,
    now: number,
    out: Send[],
  ): void {
    const h = this.currentHolder(slave, nonce, token);
    // The fence: only the current grant's token commits. A zombie's late append, a replay and a
    // duplicate delivery all carry an old token (or come after the commit) and stop here.
    if (h === undefined) {
      this.drop(`stale append from slave ${slave} (token ${token})`, now);
      return;
    }
    const position = this.list.length;
    this.list.push([slave, value]);
    this.seqs.push(h.seq);
    this.settle(slave, 'committed');
    this.holder = undefined;
    this.history.push({
      ...this.base(now),
      type: 'commit',
      actor: 'leader',
      seq: h.seq,
      slave,
      token,
      value,
      position,
    });
    this.grantNext(now, out);
  }

  /** The holder of the current grant, if `slave`/`nonce`/`token` name it; else undefined (stale). */
  private currentHolder(slave: number, nonce: string, token: string): Holder | undefined {
    const h = this.holder;
    return h !== undefined && h.token === token && h.slave === slave && h.target.nonce === nonce
      ? h
      : undefined;
  }

  /** A live holder's keep-alive: its lease runs on from now, up to the grant's maximum hold. */
  private onRenew(slave: number, nonce: string, token: string, now: number): void {
    const h = this.currentHolder(slave, nonce, token);
    if (h === undefined) {
      // Late after a commit or revocation (it crossed the leader's message): nothing to extend.
      this.drop(`stale renew from slave ${slave} (token ${token})`, now);
      return;
    }
    h.leaseUntil = Math.max(h.leaseUntil, Math.min(now + this.config.leaseMs, h.holdUntil));
    h.renewed = true;
  }

  /**
   * The holder gives its grant back without a value (its callback failed): the next slave is granted
   * at once, and the run ends without this one — a failed callback is not retried.
   */
  private onRelease(slave: number, nonce: string, token: string, now: number, out: Send[]): void {
    if (this.currentHolder(slave, nonce, token) === undefined) {
      this.drop(`stale release from slave ${slave} (token ${token})`, now);
      return;
    }
    this.revoke('released by the holder (its callback failed)', now, out);
    this.settle(slave, 'abandoned');
    this.why[slave] = 'its callback failed';
    this.grantNext(now, out);
  }

  private onAbandon(slave: number, nonce: string, now: number, out: Send[]): void {
    if (!this.known(slave, now)) return;
    const key = `abandon.${nonce}`;
    if (this.seenNonces.has(key)) {
      this.drop(`duplicate abandon of slave ${slave}`, now);
      return;
    }
    this.seenNonces.add(key);
    const status = this.status[slave];
    if (status === 'committed' || status === 'abandoned') return;
    if (status === 'holding') this.revoke('abandoned by the client', now, out);
    if (status === 'pending') this.pending.splice(this.pending.indexOf(slave), 1);
    this.settle(slave, 'abandoned');
    this.why[slave] = 'abandoned by the client';
    this.grantNext(now, out);
  }

  private known(slave: number, now: number): boolean {
    if (slave < this.config.n) return true;
    this.drop(`unknown slave ${slave} (n = ${this.config.n})`, now);
    return false;
  }

  /** Grants a uniformly random pending slave, unless a grant is outstanding. */
  private grantNext(now: number, out: Send[]): void {
    if (this.holder !== undefined || this.pending.length === 0) return;
    const index = this.pick(this.pending.length);
    const slave = this.pending[index];
    const target = slave === undefined ? undefined : this.targets[slave];
    if (slave === undefined || target === undefined) throw new RangeError(`pick returned ${index}`);
    const { nonce } = target;
    // Swap-remove: order within `pending` is irrelevant to a uniform pick.
    const last = this.pending.pop();
    if (last !== undefined && index < this.pending.length) this.pending[index] = last;
    const seq = this.nextSeq++;
    const token = fencingToken(this.config.epoch, seq);
    const { leaseMs } = this.config;
    const holdMs = Math.max(leaseMs, this.config.maxHoldMs ?? leaseMs);
    this.holder = {
      seq,
      slave,
      token,
      leaseUntil: now + leaseMs,
      holdUntil: now + holdMs,
      renewed: false,
      target,
    };
    this.status[slave] = 'holding';
    this.history.push({ ...this.base(now), type: 'grant', actor: 'leader', seq, slave, token, leaseMs });
    this.send(target, out, {
      k: 'grant',
      run: this.config.runId,
      epoch: this.config.epoch,
      no: this.nextNo,
      slave,
      nonce,
      seq,
      token,
      leaseMs,
      holdMs,
      ...this.unbroadcastEntries(),
    });
  }

  private revoke(reason: string, now: number, out: Send[]): void {
    const h = this.holder;
    if (h === undefined) return;
    this.holder = undefined;
    this.status[h.slave] = 'revoked';
    this.why[h.slave] = `seq ${h.seq} revoked: ${reason}`;
    this.revocations.push([h.seq, h.slave]);
    this.history.push({
      ...this.base(now),
      type: 'revoke',
      actor: 'leader',
      seq: h.seq,
      slave: h.slave,
      token: h.token,
      reason,
    });
    // Tell the holder directly so a live but slow slave stops at once; every other reader learns
    // of the revocation from the next log batch, in the leader's order.
    this.send(h.target, out, {
      k: 'revoke',
      run: this.config.runId,
      epoch: this.config.epoch,
      no: this.nextNo,
      slave: h.slave,
      nonce: h.target.nonce,
      seq: h.seq,
      token: h.token,
      reason,
    });
  }

  /** Moves a slave that is not yet settled to its final state. */
  private settle(slave: number, status: 'committed' | 'abandoned'): void {
    this.status[slave] = status;
    this.settled += 1;
  }

  private finishIfDone(now: number, out: Send[]): void {
    if (this.result !== undefined) return;
    if (this.settled === this.config.n) this.end(now, out);
  }

  private end(now: number, out: Send[]): void {
    this.revoke('run ended', now, out);
    const missing = this.status.flatMap((s, slave) =>
      s === 'committed'
        ? []
        : [{ slave, why: this.why[slave] ?? (s === 'pending' ? 'never granted' : 'never registered') }],
    );
    const seal = {
      count: this.list.length,
      digest: listDigest(this.list),
      missing: missing.map((m) => m.slave),
    };
    this.send({ to: 'log' }, out, { k: 'end', ...this.unbroadcast(), ...seal });
    this.sealed = {
      k: 'end',
      run: this.config.runId,
      epoch: this.config.epoch,
      no: this.nextNo++,
      at: 0,
      add: [...this.list],
      seqs: [...this.seqs],
      rev: [...this.revocations],
      ...seal,
    };
    this.result = { complete: missing.length === 0, list: [...this.list], missing };
  }

  /** Entries committed since the last broadcast, for a grant: its holder must know the whole list. */
  private unbroadcastEntries(): { at: number; add: Entry[]; seqs: number[] } | Record<string, never> {
    if (this.broadcastEntries === this.list.length) return {};
    const at = this.broadcastEntries;
    return { at, add: this.list.slice(at), seqs: this.seqs.slice(at) };
  }

  /** The fields of a log or end message: entries and revocations decided since the last broadcast. */
  private unbroadcast() {
    return {
      run: this.config.runId,
      epoch: this.config.epoch,
      no: this.nextNo,
      at: this.broadcastEntries,
      add: this.list.slice(this.broadcastEntries),
      seqs: this.seqs.slice(this.broadcastEntries),
      rev: this.revocations.slice(this.broadcastRevocations),
    };
  }

  /** Publishes what was decided since the last batch; with nothing new it is a heartbeat. */
  private broadcast(now: number, out: Send[]): void {
    this.send({ to: 'log' }, out, { k: 'log', ...this.unbroadcast(), beat: this.config.heartbeatMs });
    this.broadcastEntries = this.list.length;
    this.broadcastRevocations = this.revocations.length;
    this.lastBroadcastAt = now;
  }

  private send(target: Target, out: Send[], message: FromLeader): void {
    this.nextNo += 1;
    out.push({ target, message });
  }

  /** The base of the next event: each is pushed onto `history` as soon as it is made. */
  private base(now: number): EventBase {
    return eventBase(this.config, now, this.history.length);
  }
}

/**
 * The end a leader that refuses to run publishes (and leaves as the run's end record): no entries,
 * and why. Every slave that receives it fails with `LEADER_FAILED` instead of waiting for a leader
 * that will never answer.
 */
export function failureEnd(runId: string, epoch: string, error: string): EndMessage {
  return {
    k: 'end',
    run: runId,
    epoch,
    no: 0,
    at: 0,
    add: [],
    seqs: [],
    rev: [],
    count: 0,
    digest: listDigest([]),
    missing: [],
    error: error.slice(0, 500),
  };
}
