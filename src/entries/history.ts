/**
 * `whisk-sync/history`: a run's recorded events (JSONL), the checker that judges them against the
 * protocol's five properties, and the run's timeline as SVG.
 */
export type * from '../history/event.js';
export { checkHistory, type CheckOptions } from '../history/checker.js';
export {
  PROPERTIES,
  PROPERTY_STATEMENTS,
  type CheckReport,
  type Finding,
  type PropertyName,
  type PropertyResult,
  type RunReport,
  type RunSummary,
  type Violation,
} from '../history/report.js';
export { formatReport, type FormatOptions } from '../history/format-report.js';
export {
  formatHistory,
  mergeHistories,
  parseHistory,
  readHistoryFile,
  writeHistoryFile,
} from '../history/jsonl.js';
export { HistoryFileError, HistoryFormatError, type HistoryErrorCode } from '../history/errors.js';
export { renderTimeline, type TimelineOptions } from '../plot/timeline.js';
