import { at, partyName } from '../describe.js';
import type { Finding } from '../report.js';
import { groupBy, returnedLists, type RunView } from '../run-view.js';
import { sameValue, showValue, valueKey } from '../values.js';

/**
 * Fencing: no grant that was revoked is committed (before or after its revocation), and no value
 * appended under a revoked grant shows up in any returned list in place of the committed value.
 */
export function checkFencing(run: RunView): Finding[] {
  return [...committedRevocations(run), ...fencedValuesInLists(run)];
}

function committedRevocations(run: RunView): Finding[] {
  const findings: Finding[] = [];
  const commitsByToken = groupBy(run.commits, (c) => c.token);
  for (const revoke of run.revokes) {
    for (const c of commitsByToken.get(revoke.token) ?? []) {
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
  const revoked = new Set(run.revokes.map((r) => r.token));
  // Values appended under revoked grants, by value: a list entry is checked with one lookup.
  const fenced = groupBy(
    run.appends.filter((a) => revoked.has(a.token)),
    (a) => valueKey(a.value),
  );
  if (fenced.size === 0) return [];
  const committed = run.commitAtPosition;
  const findings: Finding[] = [];
  for (const returned of returnedLists(run)) {
    for (const [position, value] of returned.list.entries()) {
      const expected = committed.get(position)?.value;
      if (expected !== undefined && sameValue(expected, value)) continue;
      for (const a of fenced.get(valueKey(value)) ?? []) {
        findings.push({
          seq: a.seq,
          slave: a.slave,
          position,
          message:
            `${partyName(returned)}'s list holds ${showValue(value)} at position ${position}, the value ` +
            `slave ${a.slave} appended under revoked seq ${a.seq}`,
          expected: expected === undefined ? 'no entry' : showValue(expected),
          seen: showValue(value),
        });
      }
    }
  }
  return findings;
}
