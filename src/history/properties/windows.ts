import type { CommitEvent, GrantEvent, RevokeEvent } from '../event.js';
import { groupBy, type RunView } from '../run-view.js';

/** A holder window on the leader's clock: from the grant to the first commit or revocation of its seq. */
export interface HolderWindow {
  readonly grant: GrantEvent;
  /** Undefined while the grant was neither committed nor revoked. */
  readonly release: CommitEvent | RevokeEvent | undefined;
}

/** One window per grant, in grant order. */
export function holderWindows(run: RunView): HolderWindow[] {
  // Commits and revocations in time order, so the first match below is the earliest.
  const releases: (CommitEvent | RevokeEvent)[] = [...run.commits, ...run.revokes].sort((a, b) => a.t - b.t);
  const releasesBySeq = groupBy(releases, (e) => e.seq);
  return run.grants.map((grant) => ({
    grant,
    release: releasesBySeq.get(grant.seq)?.find((e) => e.t >= grant.t),
  }));
}
