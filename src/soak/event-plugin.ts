import { brokerCli } from './rabbitmqctl.js';

export const EVENT_PLUGIN = 'rabbitmq_event_exchange';

/** Turns the event exchange plugin off again, if this process turned it on. */
export type RestorePlugin = () => Promise<void>;

/**
 * Enables `rabbitmq_event_exchange` on the local broker node when it is off. The returned function
 * restores the previous state (disables it only if it was off); call it on every way out.
 */
export async function enableEventPlugin(): Promise<RestorePlugin> {
  const enabled = await brokerCli('rabbitmq-plugins', ['list', '--enabled', '--minimal']);
  if (enabled.split('\n').some((line) => line.trim() === EVENT_PLUGIN)) return () => Promise.resolve();
  await brokerCli('rabbitmq-plugins', ['enable', EVENT_PLUGIN]);
  let restored = false;
  return async () => {
    if (restored) return;
    restored = true;
    await brokerCli('rabbitmq-plugins', ['disable', EVENT_PLUGIN]);
  };
}
