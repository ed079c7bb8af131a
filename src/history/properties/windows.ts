import type { CommitEvent, GrantEvent, RevokeEvent } from '../event.js';
import type { LeaderDecision } from '../run-view.js';

/**
 * A holder window in one leader's record: from the grant to the first commit or revocation that
 * carries its token. `from` and `to` are indexes in that record, so equal times never blur the order.
 */
export interface HolderWindow {
  readonly grant: GrantEvent;
  readonly from: number;
  /** Undefined while the grant was neither committed nor revoked. */
  readonly release: CommitEvent | RevokeEvent | undefined;
  /** Index of the release; +∞ when there is none. */
  readonly to: number;
}

/** The windows of one leader's record, in grant order, and the releases that closed no open grant. */
export interface LeaderWindows {
  readonly windows: readonly HolderWindow[];
  /** Commits and revocations recorded while no grant with their token was open, with their index. */
  readonly unmatched: readonly { readonly release: CommitEvent | RevokeEvent; readonly index: number }[];
}

export function holderWindows(log: readonly LeaderDecision[]): LeaderWindows {
  const windows: HolderWindow[] = [];
  const unmatched: { release: CommitEvent | RevokeEvent; index: number }[] = [];
  const open = new Map<string, number>();
  for (const [index, e] of log.entries()) {
    if (e.type === 'grant') {
      open.set(e.token, windows.length);
      windows.push({ grant: e, from: index, release: undefined, to: Number.POSITIVE_INFINITY });
      continue;
    }
    const w = open.get(e.token);
    const window = w === undefined ? undefined : windows[w];
    if (w === undefined || window === undefined) {
      unmatched.push({ release: e, index });
      continue;
    }
    open.delete(e.token);
    windows[w] = { ...window, release: e, to: index };
  }
  return { windows, unmatched };
}
