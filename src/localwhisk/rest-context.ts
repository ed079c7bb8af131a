import type { IncomingMessage, ServerResponse } from 'node:http';

/** One authenticated request below `/api/v1/namespaces/{namespace}/{collection}`. */
export interface RequestContext {
  readonly method: string;
  /** The path segments after the collection. */
  readonly rest: readonly string[];
  readonly query: URLSearchParams;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** The namespace the request names (`_` resolved). */
  readonly namespace: string;
  /** The namespace of the credentials. */
  readonly caller: string;
}
