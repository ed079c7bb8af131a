import type { Progress } from '../executor/progress.js';

/** What {@link renderProgressLine} needs besides the counts. */
export interface ProgressLineOptions {
  /** Columns available; the line is kept strictly shorter, so a terminal never wraps it. */
  readonly width: number;
  /** Since the first activation was invoked. */
  readonly elapsedMs: number;
  /** Activations the run will make in all; a larger count of the executor's wins. Default: its count. */
  readonly expectedTotal?: number | undefined;
}

const BAR_MAX = 30;
const BAR_MIN = 10;

/** The total shown: never below the activations expected, so it does not jump as invocations are made. */
export function progressTotal(progress: Progress, expectedTotal: number | undefined): number {
  return Math.max(progress.total, expectedTotal ?? 0);
}

/**
 * One progress line, e.g. `[#####.....] 48% 20/41 done, 21 running, 4.0 s, ~4.2 s left`, fitted to
 * `width - 1` columns: the bar shrinks, then the running count goes, then the bar, then the elapsed
 * time and the estimate; what still does not fit is cut.
 * The estimate extrapolates the finished activations' pace and is left out before the first finishes.
 */
export function renderProgressLine(progress: Progress, options: ProgressLineOptions): string {
  const total = progressTotal(progress, options.expectedTotal);
  const fraction = total === 0 ? 0 : Math.min(1, progress.finished / total);
  const percent = `${Math.floor(fraction * 100)}%`;
  const counts = `${progress.finished}/${total} done`;
  const failed = progress.failed > 0 ? `${progress.failed} failed` : undefined;
  const running = `${progress.running + progress.invoked} running`;
  const elapsed = formatSeconds(options.elapsedMs);
  const left =
    progress.finished > 0 && progress.finished < total
      ? `~${formatSeconds((options.elapsedMs / progress.finished) * (total - progress.finished))} left`
      : undefined;
  const limit = Math.max(1, options.width - 1);

  // From the fullest line to the barest; the first that fits wins. Elapsed time and the estimate
  // outlast the bar, which outlasts the running count.
  const candidates: [boolean, (string | undefined)[]][] = [
    [true, [percent, counts, failed, running, elapsed, left]],
    [true, [percent, counts, failed, elapsed, left]],
    [false, [percent, counts, failed, elapsed, left]],
    [false, [percent, counts, failed, left]],
    [false, [percent, counts, failed]],
    [false, [percent, counts]],
  ];
  for (const [withBar, parts] of candidates) {
    const text = joinParts(parts);
    if (!withBar) {
      if (text.length <= limit) return text;
      continue;
    }
    const room = limit - text.length - 3; // "[", "] "
    if (room >= BAR_MIN) return `${bar(fraction, Math.min(BAR_MAX, room))} ${text}`;
  }
  return joinParts([percent, counts]).slice(0, limit);
}

function joinParts(parts: readonly (string | undefined)[]): string {
  const [percent, counts, ...rest] = parts.filter((part): part is string => part !== undefined);
  return [`${percent ?? ''} ${counts ?? ''}`.trim(), ...rest].join(', ');
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
