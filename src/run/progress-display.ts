import type { Progress } from '../executor/progress.js';

/** Where a command prints its progress: stderr, so that stdout stays for the result. */
export interface ProgressDisplay {
  /** Executor progress listener. */
  readonly update: (progress: Progress) => void;
  /** Prints one line above the bar (or as a plain line). */
  readonly note: (line: string) => void;
  /** Removes the bar. */
  readonly finish: () => void;
}

const BAR_WIDTH = 30;

/**
 * A one-line progress bar redrawn in place on a terminal; elsewhere (pipes, CI logs) plain lines at
 * each tenth of the way, so logs stay short.
 */
export function createProgressDisplay(stream: NodeJS.WriteStream, quiet = false): ProgressDisplay {
  if (quiet) return { update: () => undefined, note: () => undefined, finish: () => undefined };
  const tty = stream.isTTY;
  let bar = '';
  let lastTenth = -1;
  const clear = (): void => {
    if (bar !== '') stream.write('\r\x1b[2K');
  };
  return {
    update(progress) {
      const fraction = progress.total === 0 ? 0 : progress.finished / progress.total;
      const summary =
        `${progress.finished}/${progress.total} activations finished` +
        (progress.failed > 0 ? `, ${progress.failed} failed` : '') +
        `, ${progress.running + progress.invoked} running`;
      if (tty) {
        const filled = Math.round(fraction * BAR_WIDTH);
        bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${summary}`;
        stream.write(`\r\x1b[2K${bar}`);
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (tenth > lastTenth && progress.finished > 0) {
        lastTenth = tenth;
        stream.write(`${summary}\n`);
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
    },
  };
}
