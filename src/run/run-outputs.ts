import { writeFile } from 'node:fs/promises';

import { checkHistory } from '../history/checker.js';
import { formatReport } from '../history/format-report.js';
import { formatHistory } from '../history/jsonl.js';
import { renderTimeline } from '../plot/timeline.js';
import { writeOutputFile } from './output-file.js';
import type { RoundReport } from './report.js';

/** The files a run was asked to write besides its result. */
export interface OutputFiles {
  /** `--history`: the run's events as JSONL. */
  readonly historyFile?: string | undefined;
  /** `--plot`: the run's timeline as SVG. */
  readonly plotFile?: string | undefined;
}

/** What {@link writeRunOutputs} did, for the command to print in order: notes, result, failures. */
export interface RunOutputs {
  /** False when the history check failed; the result must then say FAILED. */
  readonly checkPassed: boolean;
  /** The checker's report when it failed, else undefined. */
  readonly checkReport: string | undefined;
  /** Lines for the progress display, one per file written. */
  readonly notes: readonly string[];
  /** Fields added to the `--json` result; only files that were written are named. */
  readonly extra: Readonly<Record<string, unknown>>;
  /** One line per file that could not be written, to print after the result (exit status 1). */
  readonly failures: readonly string[];
}

/**
 * Checks the run's history and writes the requested files. A write that fails does not throw: it
 * becomes a line in `failures`, so the command still prints the run's result first.
 * `drawnValues` is true when the slaves were the shipped slave (values in 0..1000).
 */
export async function writeRunOutputs(
  report: RoundReport,
  files: OutputFiles,
  drawnValues: boolean,
): Promise<RunOutputs> {
  const events = report.history ?? [];
  const notes: string[] = [];
  const failures: string[] = [];
  const extra: Record<string, unknown> = {};
  let checkPassed = true;
  let checkReport: string | undefined;
  if (files.historyFile !== undefined) {
    const file = files.historyFile;
    const check = checkHistory(events, { drawnValues, runId: report.runId });
    checkPassed = check.passed;
    if (!check.passed) checkReport = formatReport(check);
    const failure = await writeOutputFile(file, '--history', () => writeFile(file, formatHistory(events)));
    const verdict = `check ${check.passed ? 'passed' : 'FAILED'}`;
    if (failure === undefined) {
      extra.history = { file, events: events.length, checkPassed: check.passed };
      notes.push(`history: ${events.length} events in ${file}; ${verdict}`);
    } else {
      extra.history = { events: events.length, checkPassed: check.passed };
      notes.push(`history: ${events.length} events; ${verdict}`);
      failures.push(failure);
    }
  }
  if (files.plotFile !== undefined) {
    const file = files.plotFile;
    const failure = await writeOutputFile(file, '--plot', () => writeFile(file, renderTimeline(events)));
    if (failure === undefined) {
      extra.plot = file;
      notes.push(`timeline: ${file}`);
    } else {
      failures.push(failure);
    }
  }
  return { checkPassed, checkReport, notes, extra, failures };
}
