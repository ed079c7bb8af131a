import { sameEntry, type Entry, type Message, type WelcomeMessage } from '../protocol/messages.js';

/**
 * The run's list as one shared inbox has received it: from the inbox's first welcome (the whole list
 * then) and every log batch after it, in the leader's order. The leader welcomes a later activation of
 * the same inbox with only the entries not yet broadcast (`at` > 0); this completes such a welcome
 * from what the inbox already has, so each activation's machine still gets the whole list while the
 * broker carries it once per inbox, not once per activation.
 *
 * It also hands every activation the same entry object for one position, whichever message (a log
 * batch, a welcome, a grant's catch-up) carried it: their lists are then equal entry by entry as
 * objects, so the end's digest is computed once per inbox (`memoizedListDigest`). An entry is swapped
 * only for an equal one; a differing entry reaches the machine as sent, and the machine refuses it.
 */
export class BoxList {
  private entries: Entry[] | undefined;
  private seqs: number[] = [];
  private epoch: string | undefined;
  private lastNo = -1;

  /** Follows a verified message in delivery order; returns what to dispatch (a completed welcome). */
  follow(m: Message): Message {
    if (m.k === 'welcome') return this.intern(this.onWelcome(m));
    if (m.k !== 'log' && m.k !== 'end' && m.k !== 'grant') return m;
    if (m.epoch === this.epoch && m.no > this.lastNo && m.add !== undefined) {
      this.lastNo = m.no;
      // A grant's catch-up: committed entries not broadcast yet, in the same numbering as the log.
      this.merge(m.at ?? 0, m.add, m.seqs);
    }
    return this.intern(m);
  }

  /** The message with each entry the list knows, and equal, replaced by the list's own object. */
  private intern(m: Message): Message {
    if (m.k !== 'welcome' && m.k !== 'log' && m.k !== 'end' && m.k !== 'grant') return m;
    const known = this.entries;
    const { add } = m;
    if (known === undefined || add === undefined || m.epoch !== this.epoch) return m;
    const at = m.at ?? 0;
    let interned: Entry[] | undefined;
    for (const [i, entry] of add.entries()) {
      const own = known[at + i];
      if (own === undefined || own === entry || !sameEntry(own, entry)) continue;
      interned ??= [...add];
      interned[i] = own;
    }
    return interned === undefined ? m : { ...m, add: interned };
  }

  private onWelcome(m: WelcomeMessage): Message {
    const at = m.at ?? 0;
    if (at === 0) {
      if (this.entries === undefined || m.epoch !== this.epoch) {
        this.epoch = m.epoch;
        this.entries = [];
        this.seqs = [];
      }
      this.merge(0, m.add, m.seqs);
      this.lastNo = Math.max(this.lastNo, m.no);
      return m;
    }
    const known = this.entries;
    // Without the earlier entries the welcome stays as sent, and the machine reports the gap.
    if (known === undefined || m.epoch !== this.epoch || known.length < at || m.seqs === undefined) return m;
    const completed: WelcomeMessage = {
      ...m,
      at: 0,
      add: [...known.slice(0, at), ...m.add],
      seqs: [...this.seqs.slice(0, at), ...m.seqs],
    };
    this.merge(at, m.add, m.seqs);
    return completed;
  }

  /** Adds the entries past the known end; a gap or a batch without seqs stops the tracking. */
  private merge(at: number, add: readonly Entry[], seqs: readonly number[] | undefined): void {
    const known = this.entries;
    if (known === undefined) return;
    if (at > known.length || seqs === undefined) {
      this.entries = undefined;
      return;
    }
    for (let i = known.length - at; i < add.length; i++) {
      const entry = add[i];
      const seq = seqs[i];
      if (entry === undefined || seq === undefined) return;
      known.push(entry);
      this.seqs.push(seq);
    }
  }
}
