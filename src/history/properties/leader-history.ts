import type { Finding } from '../report.js';
import type { RunView } from '../run-view.js';

/**
 * A leader that was killed takes its recorded history with it: the slaves' appends are there, but no
 * grant, commit or revocation. Then every append would look unauthorised; one finding says what
 * actually happened instead.
 *
 * @returns the finding, or undefined when the leader recorded events or no slave appended
 */
export function leaderHistoryMissing(run: RunView): Finding | undefined {
  if (run.appends.length === 0 || run.events.some((e) => e.actor === 'leader')) return undefined;
  return {
    message:
      `leader history missing: the leader recorded no events (killed?), so the ${run.appends.length} ` +
      `slave append(s) cannot be matched to grants`,
    expected: 'grant, commit and revoke events of the leader',
    seen: 'none',
  };
}
