import { showValue } from '../protocol/json-value.js';
import type { RoundReport } from './report.js';

/** Seconds with two decimals, or `?` when unknown. */
function seconds(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(2)} s`;
}

/** The human report of a round: the list, whether the slaves agree, and where the time went. */
export function formatRound(report: RoundReport): string {
  const { timings } = report;
  const returned = report.results.filter((list) => list !== null).length;
  const verdict = !report.listed
    ? 'no list: no slave returned one'
    : report.agree
      ? 'all returned lists agree'
      : 'the returned lists DISAGREE';
  const lines = [
    `run ${report.runId}: ${report.n} slave${report.n === 1 ? '' : 's'}, ${returned} returned, ${verdict}`,
    report.listed
      ? `list (${report.list.length}): [${report.list.map((value) => showValue(value)).join(', ')}]`
      : 'list: none',
  ];
  if (report.retried > 0) lines.push(`re-invoked slaves: ${report.retried}`);
  if (report.missing.length > 0) lines.push(`missing from the list: slaves ${report.missing.join(', ')}`);
  if (report.dropped > 0)
    lines.push(`messages dropped by the slaves (forged, malformed, stale): ${report.dropped}`);
  lines.push(
    `time: ${seconds(timings.totalMs)} in all — invocation ${seconds(timings.invocationMs)}, ` +
      `container start up to ${seconds(timings.containerStartMs)} (${timings.coldStarts} cold), ` +
      `first grant at ${seconds(timings.firstGrantMs)}, coordination ${seconds(timings.coordinationMs)}, ` +
      `result collection ${seconds(timings.collectionMs)}`,
  );
  for (const problem of report.problems) lines.push(`FAILED: ${problem}`);
  lines.push(report.ok ? 'OK' : 'FAILED');
  return `${lines.join('\n')}\n`;
}

/** The `--json` object: the report without the per-event history. */
export function roundJson(report: RoundReport, extra: Readonly<Record<string, unknown>> = {}): string {
  const { history: _history, slaves: _slaves, ...rest } = report;
  return `${JSON.stringify({ ...rest, ...extra })}\n`;
}
