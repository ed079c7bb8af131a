import type { Finding } from '../report.js';
import type { RunView } from '../run-view.js';

/** What the checker can say of a run whose leader recorded no events although slaves appended. */
export type LeaderHistoryGap =
  | {
      /**
       * The client saw the leader's activation end without returning (killed, crashed, timed out):
       * its history died with it, as a killed slave's does. What it decided is unknown, not wrong.
       */
      readonly kind: 'lost';
      readonly reason: string;
    }
  | {
      /** Nothing says the leader died: its events should be there, and one finding says they are not. */
      readonly kind: 'missing';
      readonly finding: Finding;
    };

/**
 * A leader that was killed takes its recorded history with it: the slaves' appends are there, but no
 * grant, commit or revocation. Then every append would look unauthorised; this says instead what
 * actually happened.
 *
 * @returns undefined when the leader recorded events or no slave appended
 */
export function leaderHistoryGap(run: RunView): LeaderHistoryGap | undefined {
  if (run.appends.length === 0 || run.events.some((e) => e.actor === 'leader')) return undefined;
  const leaderEnd = run.ends.find((e) => e.role === 'leader');
  if (leaderEnd !== undefined && leaderEnd.status !== 'success') {
    return {
      kind: 'lost',
      reason:
        `the leader's activation ended with "${leaderEnd.status}" and took its history along, ` +
        `so the ${run.appends.length} slave append(s) cannot be matched to grants`,
    };
  }
  return {
    kind: 'missing',
    finding: {
      message:
        `leader history missing: the leader recorded no events (killed?), so the ${run.appends.length} ` +
        `slave append(s) cannot be matched to grants`,
      expected: 'grant, commit and revoke events of the leader',
      seen: 'none',
    },
  };
}
