import { DEFAULT_TIMEOUT_MS, safetyMarginMs } from './limits.js';

/**
 * Now on the one clock of whisk-sync: wall-clock milliseconds with sub-millisecond resolution. Every
 * deadline, every wait derived from one, and every history time is on this clock; `Date.now()` is not
 * (it may be adjusted while a process runs, and mixing the two shifts deadlines).
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** When an activation must have returned, and when each kind of wait must end (all on {@link wallClockMs}). */
export interface Deadline {
  /** The platform's deadline: the activation is killed at this time. */
  readonly at: number;
  /** When protocol waits end: `at` less the safety margin(s), so the action returns its own error in time. */
  readonly stopWaitingAt: number;
  /**
   * When the last waits (confirms of the last messages, cleanup) must have ended: `at` less a quarter
   * of one margin, the time to hand the result back.
   */
  readonly finishBy: number;
}

/**
 * Resolves an activation's deadline: `__OW_DEADLINE` (epoch ms, set by OpenWhisk) when present and
 * valid, else `timeoutMs` from now, else {@link DEFAULT_TIMEOUT_MS} from now.
 *
 * @param margins - how many safety margins to keep; the leader keeps two so that its end message
 *   reaches slaves started at the same time before they give up
 */
export function resolveDeadline(
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number | undefined,
  now: number,
  margins = 1,
): Deadline {
  const fromEnv = Number(env.__OW_DEADLINE);
  const at = Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : now + (timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const margin = safetyMarginMs(Math.max(0, at - now));
  return { at, stopWaitingAt: at - margins * margin, finishBy: at - margin / 4 };
}

/** Times on {@link wallClockMs} are epoch milliseconds: anything below this is a duration passed by mistake. */
const EARLIEST_CLOCK_TIME = Date.UTC(2001, 0, 1);

/**
 * Fails fast when `by` is a duration where a time on {@link wallClockMs} is expected (as the broker
 * functions took durations before they took times): every wait would end at once.
 * @throws {TypeError} naming `what`
 */
export function checkClockTime(by: number, what: string): void {
  if (!(by >= EARLIEST_CLOCK_TIME)) {
    throw new TypeError(`${what} must be a time on wallClockMs (epoch ms), got ${String(by)}`);
  }
}

/**
 * The one helper every wait derives its length from: milliseconds from now until `by` (a time on
 * {@link wallClockMs}), at most `capMs`, never negative.
 */
export function msUntil(by: number, capMs = Number.POSITIVE_INFINITY): number {
  return Math.max(0, Math.min(capMs, by - wallClockMs()));
}

/**
 * The end of a wait that must leave as much time again for the waits after it: halfway from now to
 * `by`, and at most `capMs` from now.
 */
export function halfwayTo(by: number, capMs = Number.POSITIVE_INFINITY): number {
  const now = wallClockMs();
  return now + Math.min(capMs, Math.max(0, by - now) / 2);
}
