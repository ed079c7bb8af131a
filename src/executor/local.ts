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

// Loaded on demand: callers that talk to a remote OpenWhisk never load the controller's code.
const LOCALWHISK_MODULE = '../localwhisk/index.js';

/** The embedded controller's `startLocalWhisk`. */
export async function loadStartLocalWhisk(): Promise<StartLocalWhisk> {
  const mod = (await import(LOCALWHISK_MODULE)) as { startLocalWhisk?: StartLocalWhisk };
  if (typeof mod.startLocalWhisk !== 'function') {
    throw new TypeError(`${LOCALWHISK_MODULE} does not export startLocalWhisk`);
  }
  return mod.startLocalWhisk;
}
