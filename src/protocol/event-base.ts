/** The fields every history event of an activation starts with. */
export interface EventBase {
  runId: string;
  t: number;
  /** The event's position in its activation's history: the checker orders one party's events by it. */
  step: number;
  activationId?: string;
}

/**
 * The base of an event recorded at `now` by the activation `config` describes.
 *
 * @param step The number of events the activation recorded before this one.
 */
export function eventBase(
  config: { readonly runId: string; readonly activationId?: string },
  now: number,
  step: number,
): EventBase {
  const { runId, activationId } = config;
  return activationId === undefined ? { runId, t: now, step } : { runId, t: now, step, activationId };
}
