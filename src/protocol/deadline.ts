import { DEFAULT_TIMEOUT_MS, safetyMarginMs } from './limits.js';

/**
 * Now, in wall-clock milliseconds with sub-millisecond resolution: the clock of every history event,
 * so the times of the leader, the slaves and the client compare on one scale.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** When an activation must have returned, and when its waits must stop. */
export interface Deadline {
  /** The platform's deadline, epoch milliseconds. */
  readonly at: number;
  /** When waits end: `at` less the safety margin, so the action returns its own error in time. */
  readonly stopWaitingAt: number;
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
  const budget = Math.max(0, at - now);
  return { at, stopWaitingAt: at - margins * safetyMarginMs(budget) };
}
