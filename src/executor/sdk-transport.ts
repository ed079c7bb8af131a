import openwhisk from 'openwhisk';

import { describeNetworkFailure } from './classify.js';
import type { Clock } from './clock.js';
import { maskUrl, redact, type Secret } from './secret.js';
import { TransportError, type ActivationRecord, type WhiskTransport } from './transport.js';

/** Where and how the SDK connects. */
export interface SdkTransportOptions {
  /** With scheme, e.g. `https://host` or `http://127.0.0.1:3233`. */
  readonly apihost: string;
  readonly auth: Secret;
  readonly namespace: string;
  /** Give up on one HTTP request after this long; the SDK itself has no response deadline. */
  readonly requestTimeoutMs: number;
  readonly clock: Clock;
}

/** A transport over the openwhisk npm SDK, plus the SDK client itself for callers that deploy. */
export function createSdkTransport(options: SdkTransportOptions): {
  transport: WhiskTransport;
  client: openwhisk.Client;
} {
  const client = openwhisk({
    apihost: options.apihost,
    api_key: options.auth.reveal(),
    namespace: options.namespace,
  });
  const call = <T>(what: string, request: () => Promise<T>): Promise<T> =>
    withDeadline(what, request, options.requestTimeoutMs, options.clock).catch((err: unknown) => {
      throw toTransportError(err, options.auth, options.apihost);
    });

  const transport: WhiskTransport = {
    async invoke(action, params) {
      // The SDK mutates its argument; hand it a fresh copy of the params.
      const answer = await call(`invoke ${action}`, () =>
        client.actions.invoke({ name: action, blocking: false, params: { ...params } }),
      );
      const id = (answer as { activationId?: unknown }).activationId;
      if (typeof id !== 'string' || id === '') {
        throw new TransportError(`invoke ${action}: the answer carried no activation id`, undefined);
      }
      return id;
    },
    async getActivation(activationId) {
      try {
        const record = await call(`get activation ${activationId}`, () =>
          client.activations.get({ name: activationId }),
        );
        return record as unknown as ActivationRecord;
      } catch (err) {
        // OpenWhisk answers 404 until the activation has finished and its record is stored.
        if (err instanceof TransportError && err.statusCode === 404) return undefined;
        throw err;
      }
    },
  };
  return { transport, client };
}

async function withDeadline<T>(
  what: string,
  request: () => Promise<T>,
  ms: number,
  clock: Clock,
): Promise<T> {
  const stop = new AbortController();
  try {
    return await Promise.race([
      request(),
      clock.sleep(ms, stop.signal).then(() => {
        throw new TransportError(`${what}: no answer within ${ms} ms`, undefined);
      }),
    ]);
  } finally {
    stop.abort();
  }
}

/**
 * Keeps the HTTP status and the server's own message, nothing else of the SDK's error, and removes the
 * key from the message in case a server or proxy echoes the credentials back. Without an HTTP answer
 * the message says which host was tried and the likely fix.
 */
function toTransportError(err: unknown, auth: Secret, apihost: string): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as { statusCode?: unknown; error?: unknown; message?: unknown };
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const body = e.error as { error?: unknown } | undefined;
  const serverMessage = typeof body?.error === 'string' ? body.error : undefined;
  const message = serverMessage ?? (typeof e.message === 'string' ? e.message : String(err));
  const network = statusCode === undefined ? describeNetworkFailure(message, maskUrl(apihost)) : undefined;
  const text = network ?? message.replace(/^Unknown Error From API: /, '');
  return new TransportError(redact(text, auth), statusCode);
}
