import { WhiskSyncError } from '../errors.js';

/** What went wrong when loading a history, so callers (and the `check` command) can tell the cases apart. */
export type HistoryErrorCode = 'HISTORY_MALFORMED' | 'HISTORY_UNREADABLE';

/** A history line is not valid JSON or not a valid history event. */
export class HistoryFormatError extends WhiskSyncError {
  override readonly name = 'HistoryFormatError';
  readonly code: HistoryErrorCode = 'HISTORY_MALFORMED';

  /**
   * @param line 1-based line number of the offending line.
   * @param problem What is wrong with it, one short phrase.
   * @param source File name (or other label) the line came from, when known.
   */
  constructor(
    readonly line: number,
    readonly problem: string,
    readonly source?: string,
  ) {
    super(`${source ?? 'history'} line ${line}: ${problem}`);
  }
}

/** A history file could not be read or written (missing, a directory, no permission...). */
export class HistoryFileError extends WhiskSyncError {
  override readonly name = 'HistoryFileError';
  readonly code: HistoryErrorCode = 'HISTORY_UNREADABLE';

  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot access history file ${path}: ${reason}`);
  }
}
