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
  const releasesBySeq = new Map<number, (CommitEvent | RevokeEvent)[]>();
  // Commits and revocations in time order, so the first match below is the earliest.
  for (const e of [...run.commits, ...run.revokes].sort((a, b) => a.t - b.t)) {
    releasesBySeq.set(e.seq, [...(releasesBySeq.get(e.seq) ?? []), e]);
  }
  return run.grants.map((grant) => ({
    grant,
    release: releasesBySeq.get(grant.seq)?.find((e) => e.t >= grant.t),
  }));
}
