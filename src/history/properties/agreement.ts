import { sameValue, type JsonValue } from '../../protocol/json-value.js';
import { describeList, slaveName } from '../describe.js';
import type { Finding } from '../report.js';
import type { RunView } from '../run-view.js';

/** Agreement: every successful slave return carries a list, and all those lists are identical. */
export function checkAgreement(run: RunView): Finding[] {
  const findings: Finding[] = [];
  const successful = run.returns.filter((r) => r.actor === 'slave' && r.ok);
  const reference = successful.find((r) => r.list !== undefined);
  for (const r of successful) {
    if (r.list === undefined) {
      findings.push({
        ...(r.slave === undefined ? {} : { slave: r.slave }),
        message: `${slaveName(r.slave)} returned successfully without a list`,
        expected: 'a list',
        seen: 'none',
      });
      continue;
    }
    if (reference?.list === undefined || r === reference) continue;
    const diff = firstDifference(reference.list, r.list);
    if (diff === undefined) continue;
    findings.push({
      ...(r.slave === undefined ? {} : { slave: r.slave }),
      position: diff,
      message:
        `${slaveName(r.slave)} returned a different list than ${slaveName(reference.slave)}, ` +
        `first difference at position ${diff}`,
      expected: describeList(reference.list, diff),
      seen: describeList(r.list, diff),
    });
  }
  return findings;
}

function firstDifference(a: readonly JsonValue[], b: readonly JsonValue[]): number | undefined {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) if (i >= a.length || i >= b.length || !sameValue(a[i], b[i])) return i;
  return undefined;
}
