import { canonicalJson, sameValue, showValue } from '../../protocol/json-value.js';
import { at, slaveName } from '../describe.js';
import type { Finding } from '../report.js';
import { groupBy, returnedLists, type RunView } from '../run-view.js';

/**
 * Fencing: no grant that was revoked is committed (before or after its revocation), and no value
 * appended under a revoked grant shows up in any returned list in place of the committed value.
 */
export function checkFencing(run: RunView): Finding[] {
  return [...committedRevocations(run), ...fencedValuesInLists(run)];
}

function committedRevocations(run: RunView): Finding[] {
  const findings: Finding[] = [];
  const commitsBySeq = groupBy(run.commits, (c) => c.seq);
  for (const revoke of run.revokes) {
    for (const c of commitsBySeq.get(revoke.seq) ?? []) {
      findings.push({
        seq: c.seq,
        slave: c.slave,
        position: c.position,
        message:
          `seq ${c.seq} of slave ${c.slave} was committed at ${at(run, c.t)} although it was revoked ` +
          `at ${at(run, revoke.t)} (${revoke.reason})`,
        expected: 'no commit of a revoked grant',
        seen: `commit at position ${c.position}`,
      });
    }
  }
  return findings;
}

function fencedValuesInLists(run: RunView): Finding[] {
  const revoked = new Set(run.revokes.map((r) => `${r.seq}/${r.token}`));
  // Values appended under revoked grants, by value: a list entry is checked with one lookup.
  const fenced = groupBy(
    run.appends.filter((a) => revoked.has(`${a.seq}/${a.token}`)),
    (a) => canonicalJson(a.value),
  );
  if (fenced.size === 0) return [];
  const committed = run.commitAtPosition;
  const findings: Finding[] = [];
  for (const { slave, list } of returnedLists(run)) {
    for (const [position, value] of list.entries()) {
      const expected = committed.get(position)?.value;
      if (sameValue(expected, value)) continue;
      for (const a of fenced.get(canonicalJson(value)) ?? []) {
        findings.push({
          seq: a.seq,
          slave: a.slave,
          position,
          message:
            `${slaveName(slave)}'s list holds ${showValue(value)} at position ${position}, the value slave ${a.slave} ` +
            `appended under revoked seq ${a.seq}`,
          expected: expected === undefined ? 'no entry' : showValue(expected),
          seen: showValue(value),
        });
      }
    }
  }
  return findings;
}
