import type { Progress } from '../executor/progress.js';
import { progressTotal, renderProgressLine } from './progress-line.js';

/** Where a command prints its progress: stderr, so that stdout stays for the result. */
export interface ProgressDisplay {
  /** Executor progress listener; ignored after {@link ProgressDisplay.finish}. */
  readonly update: (progress: Progress) => void;
  /** Prints one line above the bar (or as a plain line). */
  readonly note: (line: string) => void;
  /** Removes the bar for good: later updates draw nothing (notes still print). */
  readonly finish: () => void;
}

/** Options of {@link createProgressDisplay}. */
export interface ProgressDisplayOptions {
  /** Print nothing at all. Default false. */
  readonly quiet?: boolean;
  /** Activations the run will make in all (N slaves + 1 leader), so the total does not jump. Default: the executor's count. */
  readonly expectedTotal?: number;
  /** Clock for the elapsed time and the estimate. Default `Date.now`. */
  readonly now?: () => number;
}

/** Columns assumed for a terminal that does not say. */
const DEFAULT_COLUMNS = 80;

/**
 * A one-line progress bar redrawn in place on a terminal, fitted to its width (read at every redraw,
 * so a resized pane is followed); elsewhere (pipes, CI logs) plain lines at each tenth of the way, so
 * logs stay short.
 */
export function createProgressDisplay(
  stream: NodeJS.WriteStream,
  options: ProgressDisplayOptions = {},
): ProgressDisplay {
  if (options.quiet === true)
    return { update: () => undefined, note: () => undefined, finish: () => undefined };
  const now = options.now ?? Date.now;
  const tty = stream.isTTY;
  let bar = '';
  let lastTenth = -1;
  let startedAt: number | undefined;
  let finished = false;
  const clear = (): void => {
    if (bar !== '') stream.write('\r\x1b[2K');
  };
  return {
    update(progress) {
      if (finished) return;
      startedAt ??= now();
      const line = renderProgressLine(progress, {
        // Typed as a number, but absent on a stream that is no terminal.
        width: tty ? (stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS) : Number.MAX_SAFE_INTEGER,
        elapsedMs: now() - startedAt,
        expectedTotal: options.expectedTotal,
      });
      if (tty) {
        if (line === bar) return;
        bar = line;
        stream.write(`\r\x1b[2K${bar}`);
        return;
      }
      const total = progressTotal(progress, options.expectedTotal);
      const tenth = total === 0 ? 0 : Math.floor((progress.finished / total) * 10);
      if (tenth > lastTenth && progress.finished > 0) {
        lastTenth = tenth;
        stream.write(`${line}\n`);
      }
    },
    note(line) {
      clear();
      stream.write(`${line}\n`);
      if (tty && bar !== '') stream.write(bar);
    },
    finish() {
      clear();
      bar = '';
      finished = true;
    },
  };
}
