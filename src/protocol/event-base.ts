/** The fields every history event of an activation starts with. */
export interface EventBase {
  runId: string;
  t: number;
  activationId?: string;
}

/** The base of an event recorded at `now` by the activation `config` describes. */
export function eventBase(
  config: { readonly runId: string; readonly activationId?: string },
  now: number,
): EventBase {
  const { runId, activationId } = config;
  return activationId === undefined ? { runId, t: now } : { runId, t: now, activationId };
}
