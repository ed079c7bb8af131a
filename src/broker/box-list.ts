import type { Entry, Message, WelcomeMessage } from '../protocol/messages.js';

/**
 * The run's list as one shared inbox has received it: from the inbox's first welcome (the whole list
 * then) and every log batch after it, in the leader's order. The leader welcomes a later activation of
 * the same inbox with only the entries not yet broadcast (`at` > 0); this completes such a welcome
 * from what the inbox already has, so each activation's machine still gets the whole list while the
 * broker carries it once per inbox, not once per activation.
 */
export class BoxList {
  private entries: Entry[] | undefined;
  private seqs: number[] = [];
  private epoch: string | undefined;
  private lastNo = -1;

  /** Follows a verified message in delivery order; returns what to dispatch (a completed welcome). */
  follow(m: Message): Message {
    if (m.k === 'welcome') return this.onWelcome(m);
    if ((m.k === 'log' || m.k === 'end') && m.epoch === this.epoch && m.no > this.lastNo) {
      this.lastNo = m.no;
      this.merge(m.at, m.add, m.seqs);
    }
    return m;
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
