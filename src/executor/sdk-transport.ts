import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

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

/**
 * A transport over the openwhisk npm SDK, plus the SDK client itself for callers that deploy, and
 * `close` to drop the connections it keeps open.
 */
export function createSdkTransport(options: SdkTransportOptions): {
  transport: WhiskTransport;
  client: openwhisk.Client;
  close: () => void;
} {
  // One agent per transport that keeps its connections open: a thousand invokes and their polls then
  // reuse a few sockets instead of each opening (and the server accepting) a connection of its own. An
  // idle socket is closed by this side first, before a server's usual 5 s keep-alive timeout, so that
  // no request is ever written to a socket the server is closing (an ECONNRESET on a POST).
  const secure = !/^http:/i.test(options.apihost);
  const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const client = openwhisk({
    apihost: options.apihost,
    api_key: options.auth.reveal(),
    namespace: options.namespace,
    agent,
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
  return {
    transport,
    client,
    close: () => {
      agent.destroy();
    },
  };
}

const ANSWERED = 'answered';
/** How long an idle kept-alive socket stays open. */
const IDLE_SOCKET_MS = 2000;

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
    // A reason of our own spares a DOMException (and its stack) per request.
    stop.abort(ANSWERED);
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
