import type { LocalWhiskOptions } from '../localwhisk/options.js';

/** The parts of a running embedded controller the executor uses. */
export interface LocalWhiskHandle {
  /** `http://127.0.0.1:<port>`. */
  readonly apihost: string;
  /** `uuid:key` of the controller's only subject. */
  readonly auth: string;
  readonly namespace: string;
  readonly limits: { readonly concurrent: number; readonly perMinute: number };
  close(): Promise<void>;
}

/** Starts an embedded controller. */
export type StartLocalWhisk = (options?: LocalWhiskOptions) => Promise<LocalWhiskHandle>;

/**
 * The embedded controller's `startLocalWhisk`, imported on first use so that callers of a remote
 * OpenWhisk never load the controller's code.
 */
export async function loadStartLocalWhisk(): Promise<StartLocalWhisk> {
  const { startLocalWhisk } = await import('../localwhisk/index.js');
  return startLocalWhisk;
}
