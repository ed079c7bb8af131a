import { at, slaveName } from '../describe.js';
import type { Finding } from '../report.js';
import { type RunView } from '../run-view.js';
import { holderWindows, type HolderWindow } from './windows.js';

/**
 * Mutual exclusion: holder windows (grant → commit or revocation, on the leader's clock) never overlap;
 * every seq is granted once; nobody appends under a grant held by another slave. With `sharedClock`,
 * each append also lies after its grant, and a committed append before its commit.
 */
export function checkMutualExclusion(run: RunView, sharedClock: boolean): Finding[] {
  const windows = holderWindows(run);
  return [...duplicateSeqs(run), ...overlaps(run, windows), ...foreignAppends(run, windows, sharedClock)];
}

function duplicateSeqs(run: RunView): Finding[] {
  const first = run.grantBySeq;
  return run.grants
    .filter((g) => first.get(g.seq) !== g)
    .map((g) => ({
      seq: g.seq,
      slave: g.slave,
      message: `seq ${g.seq} was granted twice: to slave ${first.get(g.seq)?.slave ?? '?'} and to slave ${g.slave}`,
      expected: 'each seq granted once',
      seen: `a second grant of seq ${g.seq} at ${at(run, g.t)}`,
    }));
}

function overlaps(run: RunView, windows: readonly HolderWindow[]): Finding[] {
  const findings: Finding[] = [];
  // The window that ends last so far: a long window can overlap several later ones.
  let holder: HolderWindow | undefined;
  for (const w of windows) {
    if (holder !== undefined && w.grant.t < end(holder)) {
      const still =
        holder.release === undefined ? 'never released it' : `released it at ${at(run, end(holder))}`;
      findings.push({
        seq: w.grant.seq,
        slave: w.grant.slave,
        message:
          `seq ${w.grant.seq} was granted to slave ${w.grant.slave} at ${at(run, w.grant.t)} while slave ` +
          `${holder.grant.slave} held seq ${holder.grant.seq} (granted at ${at(run, holder.grant.t)}, ${still})`,
        expected: `no grant before seq ${holder.grant.seq} is committed or revoked`,
        seen: `grant at ${at(run, w.grant.t)}`,
      });
    }
    if (holder === undefined || end(w) > end(holder)) holder = w;
  }
  return findings;
}

function end(w: HolderWindow): number {
  return w.release?.t ?? Number.POSITIVE_INFINITY;
}

function foreignAppends(run: RunView, windows: readonly HolderWindow[], sharedClock: boolean): Finding[] {
  const findings: Finding[] = [];
  const grants = run.grantBySeq;
  const windowOf = new Map(windows.map((w) => [w.grant, w]));
  for (const a of run.appends) {
    const grant = grants.get(a.seq);
    if (grant === undefined) {
      findings.push({
        seq: a.seq,
        slave: a.slave,
        message: `slave ${a.slave} appended under seq ${a.seq}, which the leader never granted`,
        expected: `a grant of seq ${a.seq} to slave ${a.slave}`,
        seen: 'no grant',
      });
      continue;
    }
    if (grant.slave !== a.slave) {
      findings.push({
        seq: a.seq,
        slave: a.slave,
        message: `slave ${a.slave} appended under seq ${a.seq}, which was granted to ${slaveName(grant.slave)}`,
        expected: `append by slave ${grant.slave}`,
        seen: `append by slave ${a.slave}`,
      });
      continue;
    }
    if (!sharedClock) continue;
    const release = windowOf.get(grant)?.release;
    if (a.t < grant.t) {
      findings.push({
        seq: a.seq,
        slave: a.slave,
        message: `slave ${a.slave} appended under seq ${a.seq} before it was granted`,
        expected: `append after ${at(run, grant.t)}`,
        seen: `append at ${at(run, a.t)}`,
      });
    } else if (release?.type === 'commit' && release.token === a.token && a.t > release.t) {
      findings.push({
        seq: a.seq,
        slave: a.slave,
        message: `slave ${a.slave} appended under seq ${a.seq} after the leader had already committed it`,
        expected: `append before ${at(run, release.t)}`,
        seen: `append at ${at(run, a.t)}`,
      });
    }
    // A late append under a revoked grant is the zombie case: harmless if fenced, judged by Fencing.
  }
  return findings;
}
