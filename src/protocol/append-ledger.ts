import { showValue } from './json-value.js';
import {
  activationKey,
  fencingToken,
  sameEntry,
  type AppendMessage,
  type Entry,
  type FromLeader,
} from './messages.js';

/** A signed append seen on the fanout and not yet matched to a commit of its seq. */
interface SeenAppend {
  readonly entry: Entry;
  readonly token: string;
}

/**
 * The fanned-out appends of one run as one inbox receives them, shared by every slave activation of
 * the run in that inbox's process: each append is recorded once, by seq, and checked once against the
 * leader's commit of that seq, whichever of the two arrives first.
 *
 * It decides nothing: every slave builds its list from the leader's signed log alone. The check only
 * makes a signed append that disagrees with the leader (a second append for one seq, a stale token,
 * a value other than the committed one) visible; each returns a drop reason for the inbox to record
 * with every slave it serves, as each of them would have recorded it on its own.
 * Pure: no I/O and no timers.
 */
export class AppendLedger {
  private epoch: string | undefined;
  private readonly pending = new Map<number, SeenAppend>();
  /** The leader's commit of each seq it named, to check an append that comes after it. */
  private readonly committed = new Map<number, Entry>();
  private readonly revoked = new Set<number>();
  /** Ordinal (from 1) of each activation's append in {@link appends}, by `slave.nonce`. */
  private readonly ordinals = new Map<string, number>();
  private accepted = 0;

  /** Appends recorded so far: each seq once, fenced and conflicting ones excluded. */
  get appends(): number {
    return this.accepted;
  }

  /**
   * How many recorded appends came after `since` (a value of {@link appends}) from other activations
   * than `slave`/`nonce`: what one slave activation saw of the others' appends while it was served.
   */
  othersSince(since: number, slave: number, nonce: string): number {
    const own = this.ordinals.get(activationKey(slave, nonce));
    const ownAfter = own !== undefined && own > since ? 1 : 0;
    return this.accepted - since - ownAfter;
  }

  /** A verified append from the fanout; returns why it is dropped, or nothing when it is recorded. */
  append(m: AppendMessage): string | undefined {
    if (this.epoch !== undefined && m.token !== fencingToken(this.epoch, m.seq)) {
      return `append from slave ${m.slave} fenced by another leader epoch (token ${m.token})`;
    }
    const entry: Entry = [m.slave, m.value];
    const committed = this.committed.get(m.seq);
    if (committed === undefined) {
      const known = this.pending.get(m.seq);
      if (known !== undefined) {
        const same = sameEntry(known.entry, entry) && known.token === m.token;
        return same ? `duplicate append of seq ${m.seq}` : `second append for seq ${m.seq}`;
      }
      // A revoked holder's append (a zombie's) is never committed: nothing to check it against.
      if (!this.revoked.has(m.seq)) this.pending.set(m.seq, { entry, token: m.token });
    } else if (this.ordinalOf(m) !== undefined) {
      return `duplicate append of seq ${m.seq}`;
    }
    this.accepted += 1;
    this.ordinals.set(activationKey(m.slave, m.nonce), this.accepted);
    // The leader's log committed this seq before its append got here: check it now.
    return committed === undefined ? undefined : disagreement(m.seq, entry, committed);
  }

  /**
   * A verified message of the leader: learns its epoch, its commits (entries with their seqs) and its
   * revocations, in the leader's order. Returns a drop reason for each pending append that the leader's
   * commit of its seq contradicts.
   */
  follow(m: FromLeader): string[] {
    if (this.epoch === undefined) this.epoch = m.epoch;
    else if (m.epoch !== this.epoch) return [];
    const drops: string[] = [];
    if (m.k === 'revoke') this.revoke(m.seq);
    if (m.k === 'log' || m.k === 'end' || m.k === 'welcome') {
      for (const [seq] of m.rev) this.revoke(seq);
    }
    if (m.k === 'log' || m.k === 'end' || m.k === 'welcome' || m.k === 'grant') {
      const { add, seqs } = m;
      if (add === undefined || seqs === undefined) return drops;
      for (const [i, entry] of add.entries()) {
        const seq = seqs[i];
        if (seq === undefined || this.committed.has(seq)) continue;
        this.committed.set(seq, entry);
        const drop = this.check(seq, entry);
        if (drop !== undefined) drops.push(drop);
      }
    }
    return drops;
  }

  private check(seq: number, committed: Entry): string | undefined {
    const seen = this.pending.get(seq);
    if (seen === undefined) return undefined;
    this.pending.delete(seq);
    if (this.epoch !== undefined && seen.token !== fencingToken(this.epoch, seq)) {
      return `append of slave ${seen.entry[0]} fenced by another leader epoch (token ${seen.token})`;
    }
    return disagreement(seq, seen.entry, committed);
  }

  private revoke(seq: number): void {
    this.revoked.add(seq);
    this.pending.delete(seq);
  }

  private ordinalOf(m: AppendMessage): number | undefined {
    return this.ordinals.get(activationKey(m.slave, m.nonce));
  }
}

/**
 * The list holds the leader's decision whatever an append says; a signed append that disagrees with
 * the commit of its seq is dropped and recorded, so the disagreement is visible in the history.
 */
function disagreement(seq: number, appended: Entry, committed: Entry): string | undefined {
  if (sameEntry(appended, committed)) return undefined;
  return (
    `append for seq ${seq} (slave ${appended[0]}, value ${showValue(appended[1])}) differs from the ` +
    `leader's commit (slave ${committed[0]}, value ${showValue(committed[1])})`
  );
}
