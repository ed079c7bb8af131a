import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpError } from './errors.js';
import { requestTooBig } from './messages.js';

/** Bytes of an oversized body read (and dropped) before the connection is cut instead. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a JSON request body of at most `limit` bytes. An empty body is `{}`. Throws 413 past the limit
 * (after draining a moderate excess so the client reads the answer) and 400 for malformed JSON.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    if (declared > DRAIN_LIMIT_BYTES) request.destroy();
    else request.resume();
    throw new HttpError(413, requestTooBig(declared, limit));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (size > DRAIN_LIMIT_BYTES) break;
  }
  if (size > limit) throw new HttpError(413, requestTooBig(size, limit));
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `The request content was malformed:\n${(error as Error).message}`);
  }
}

/** Sends `body` as JSON with `status`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}
