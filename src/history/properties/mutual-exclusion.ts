import type { AppendEvent } from '../event.js';
import { at, slaveName } from '../describe.js';
import type { Finding } from '../report.js';
import { groupBy, recorderOf, type LeaderDecision, type RunView } from '../run-view.js';
import { showValue, valueKey } from '../values.js';
import { holderWindows, type HolderWindow } from './windows.js';

/**
 * Mutual exclusion: in the leader's own record, no grant comes before the previous one was committed
 * or revoked; every seq is granted once; each append carries the token of a grant to its slave; one
 * grant is appended under by one activation with one value.
 *
 * Only one party's record order is used, never times of different parties: an append with the right
 * token can only follow its grant (the token came with it), and a commit carrying the holder's token
 * and value can only follow the append.
 */
export function checkMutualExclusion(run: RunView): Finding[] {
  return [
    ...duplicateSeqs(run),
    ...run.leaderLogs.flatMap((log) => overlaps(run, log)),
    ...run.appends.flatMap((a) => unauthorisedAppend(run, a)),
    ...sharedGrants(run),
  ];
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

function overlaps(run: RunView, log: readonly LeaderDecision[]): Finding[] {
  const findings: Finding[] = [];
  // The window that ends last so far: a long window can overlap several later ones.
  let holder: HolderWindow | undefined;
  for (const w of holderWindows(log).windows) {
    if (holder !== undefined && w.from < holder.to) {
      const still =
        holder.release === undefined
          ? 'never released it'
          : `recorded its ${holder.release.type === 'commit' ? 'commit' : 'revocation'} only after this grant`;
      findings.push({
        seq: w.grant.seq,
        slave: w.grant.slave,
        message:
          `seq ${w.grant.seq} was granted to slave ${w.grant.slave} at ${at(run, w.grant.t)} while slave ` +
          `${holder.grant.slave} held seq ${holder.grant.seq} (granted at ${at(run, holder.grant.t)}; ` +
          `the leader ${still})`,
        expected: `no grant before seq ${holder.grant.seq} is committed or revoked`,
        seen: `grant of seq ${w.grant.seq} recorded first`,
      });
    }
    if (holder === undefined || w.to > holder.to) holder = w;
  }
  return findings;
}

function unauthorisedAppend(run: RunView, a: AppendEvent): Finding[] {
  const base = { seq: a.seq, slave: a.slave };
  const grant = run.grantByToken.get(a.token);
  if (grant === undefined || grant.seq !== a.seq) {
    const granted = run.grantBySeq.get(a.seq);
    if (granted === undefined) {
      return [
        {
          ...base,
          message: `slave ${a.slave} appended under seq ${a.seq}, which the leader never granted`,
          expected: `a grant of seq ${a.seq} to slave ${a.slave}`,
          seen: 'no grant',
        },
      ];
    }
    return [
      {
        ...base,
        message: `slave ${a.slave} appended under seq ${a.seq} with token ${a.token}, which the leader never issued for it`,
        expected: `token ${granted.token}`,
        seen: `token ${a.token}`,
      },
    ];
  }
  if (grant.slave === a.slave) return [];
  return [
    {
      ...base,
      message: `slave ${a.slave} appended under seq ${a.seq}, which was granted to ${slaveName(grant.slave)}`,
      expected: `append by slave ${grant.slave}`,
      seen: `append by slave ${a.slave}`,
    },
  ];
}

/**
 * A grant goes to one activation (the leader addresses it by the activation's nonce), which appends
 * once: two activations of the holder appending under one token (a retried slave whose earlier
 * activation still ran) are two writers in one critical section, whatever values they wrote.
 */
function sharedGrants(run: RunView): Finding[] {
  const findings: Finding[] = [];
  for (const [token, appends] of groupBy(run.appends, (a) => a.token)) {
    const grant = run.grantByToken.get(token);
    if (grant === undefined) continue;
    const own = appends.filter((a) => a.slave === grant.slave && a.seq === grant.seq);
    const writers = new Set(own.map(recorderOf));
    const values = new Set(own.map((a) => valueKey(a.value)));
    if (writers.size <= 1 && values.size <= 1) continue;
    const seen = own.map((a) => `${recorderOf(a)} appended ${showValue(a.value)}`).join('; ');
    findings.push({
      seq: grant.seq,
      slave: grant.slave,
      message:
        writers.size > 1
          ? `${writers.size} activations of slave ${grant.slave} appended under seq ${grant.seq}, which was granted once`
          : `slave ${grant.slave} appended ${values.size} different values under seq ${grant.seq}`,
      expected: `one append under seq ${grant.seq}`,
      seen,
    });
  }
  return findings;
}
