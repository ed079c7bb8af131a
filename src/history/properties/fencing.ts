import { at, slaveName } from '../describe.js';
import type { Finding } from '../report.js';
import { commitsByPosition, returnedLists, type RunView } from '../run-view.js';

/**
 * Fencing: no grant that was revoked is committed (before or after its revocation), and no value
 * appended under a revoked grant shows up in any returned list in place of the committed value.
 */
export function checkFencing(run: RunView): Finding[] {
  const findings: Finding[] = [];
  const committed = commitsByPosition(run);
  const lists = returnedLists(run);
  for (const revoke of run.revokes) {
    for (const c of run.commits.filter((e) => e.seq === revoke.seq)) {
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
    const fenced = run.appends.filter((a) => a.seq === revoke.seq && a.token === revoke.token);
    for (const a of fenced) {
      for (const { slave, list } of lists) {
        for (const [position, value] of list.entries()) {
          if (value !== a.value || committed.get(position)?.value === value) continue;
          findings.push({
            seq: a.seq,
            slave: a.slave,
            position,
            message:
              `${slaveName(slave)}'s list holds ${value} at position ${position}, the value slave ${a.slave} ` +
              `appended under revoked seq ${a.seq}`,
            expected:
              committed.get(position) === undefined ? 'no entry' : String(committed.get(position)?.value),
            seen: String(value),
          });
        }
      }
    }
  }
  return findings;
}
