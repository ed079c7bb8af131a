import type { CommitEvent, GrantEvent, RevokeEvent } from '../event.js';
import type { RunView } from '../run-view.js';

/** A holder window on the leader's clock: from the grant to the first commit or revocation of its seq. */
export interface HolderWindow {
  readonly grant: GrantEvent;
  /** Undefined while the grant was neither committed nor revoked. */
  readonly release: CommitEvent | RevokeEvent | undefined;
}

/** One window per grant, in grant order. */
export function holderWindows(run: RunView): HolderWindow[] {
  return run.grants.map((grant) => {
    const releases = [...run.commits, ...run.revokes].filter((e) => e.seq === grant.seq && e.t >= grant.t);
    const release = releases.reduce<CommitEvent | RevokeEvent | undefined>(
      (first, e) => (first === undefined || e.t < first.t ? e : first),
      undefined,
    );
    return { grant, release };
  });
}
