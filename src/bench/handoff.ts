import type { HistoryEvent } from '../history/event.js';

/**
 * The protocol's handoffs from a leader's history: for each grant that the leader sent on observing
 * the previous holder's append (same instant as that commit), the time from the previous grant to it
 * (grant sent → holder's append observed → next grant sent). Grants made when a request arrived
 * while nobody was pending measure start-up, not the handoff, and are left out.
 */
export function handoffTimes(history: readonly HistoryEvent[]): number[] {
  const grants = new Map<number, number>();
  const commits = new Map<number, number>();
  for (const event of history) {
    if (event.actor !== 'leader') continue;
    if (event.type === 'grant') grants.set(event.seq, event.t);
    else if (event.type === 'commit') commits.set(event.seq, event.t);
  }
  const times: number[] = [];
  for (const [seq, granted] of grants) {
    const committed = commits.get(seq);
    const next = grants.get(seq + 1);
    if (committed !== undefined && next === committed) times.push(next - granted);
  }
  return times;
}
