import { describeList, partyName, slaveName } from '../describe.js';
import type { Finding } from '../report.js';
import { returnedLists, type ReturnedList, type RunView } from '../run-view.js';
import { sameValue, type HistoryValue } from '../values.js';

/**
 * Agreement: every successful slave return carries a list, all those lists are identical, and they
 * are the list the leader returned (the one it sent them when it ended the run).
 */
export function checkAgreement(run: RunView): Finding[] {
  const findings: Finding[] = [];
  for (const r of run.returns) {
    if (r.actor !== 'slave' || !r.ok || r.list !== undefined) continue;
    findings.push({
      ...(r.slave === undefined ? {} : { slave: r.slave }),
      message: `${slaveName(r.slave)} returned successfully without a list`,
      expected: 'a list',
      seen: 'none',
    });
  }
  // The first slave's list is the reference, so that a leader whose list is the odd one out gets
  // one finding instead of one per slave; the leader's list comes last in returnedLists.
  const lists = returnedLists(run);
  const reference = lists[0];
  if (reference === undefined) return findings;
  for (const other of lists.slice(1)) {
    const diff = firstDifference(reference.list, other.list);
    if (diff !== undefined) findings.push(disagreement(reference, other, diff));
  }
  return findings;
}

function disagreement(reference: ReturnedList, other: ReturnedList, position: number): Finding {
  return {
    ...(other.slave === undefined ? {} : { slave: other.slave }),
    position,
    message:
      `${partyName(other)} returned a different list than ${partyName(reference)}, ` +
      `first difference at position ${position}`,
    expected: describeList(reference.list, position),
    seen: describeList(other.list, position),
  };
}

function firstDifference(a: readonly HistoryValue[], b: readonly HistoryValue[]): number | undefined {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || !sameValue(x, y)) return i;
  }
  return undefined;
}
