import type { CheckReport, Violation } from './report.js';

/** Options of {@link formatReport}. */
export interface FormatOptions {
  /** Violations printed per property before the rest are summarised. Default: 20. */
  readonly maxViolations?: number;
}

/** The report as plain text for a terminal: one block per run, one line per property, then violations. */
export function formatReport(report: CheckReport, options: FormatOptions = {}): string {
  const max = options.maxViolations ?? 20;
  const lines: string[] = [];
  if (report.runs.length === 0) lines.push('no run found in the history');
  for (const run of report.runs) {
    const s = run.summary;
    lines.push(
      `run ${run.runId}: ${s.slaves} slaves, ${s.grants} grants, ${s.commits} commits, ${s.revokes} revocations, ` +
        `${s.durationMs.toFixed(1)} ms`,
    );
    for (const p of run.properties) {
      const verdict = p.notJudged !== undefined ? 'N/A ' : p.passed ? 'PASS' : 'FAIL';
      lines.push(`  ${verdict}  ${p.property}: ${p.statement}`);
      if (p.notJudged !== undefined) lines.push(`        - not judged: ${p.notJudged}`);
      for (const v of p.violations.slice(0, max)) lines.push(`        - ${describeViolation(v)}`);
      if (p.violations.length > max) lines.push(`        … and ${p.violations.length - max} more`);
    }
  }
  const failed = report.runs.filter((r) => !r.passed).length;
  lines.push(
    report.passed
      ? `${notJudged(report) ? 'no property violated, N/A ones not judged' : 'all properties hold'} ` +
          `(${report.runs.length} run(s), ${report.events} events)`
      : `${failed} of ${report.runs.length} run(s) violate a property`,
  );
  return lines.join('\n') + '\n';
}

function notJudged(report: CheckReport): boolean {
  return report.runs.some((r) => r.properties.some((p) => p.notJudged !== undefined));
}

function describeViolation(v: Violation): string {
  const where = [
    v.seq === undefined ? undefined : `seq ${v.seq}`,
    v.slave === undefined ? undefined : `slave ${v.slave}`,
    v.position === undefined ? undefined : `position ${v.position}`,
  ].filter((x) => x !== undefined);
  const context = where.length > 0 ? ` [${where.join(', ')}]` : '';
  const detail =
    v.expected !== undefined || v.seen !== undefined
      ? `; expected ${v.expected ?? '?'}, saw ${v.seen ?? '?'}`
      : '';
  return `${v.message}${context}${detail}`;
}
