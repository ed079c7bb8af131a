import { HttpError } from './errors.js';
import { sendJson } from './http-io.js';
import { notAuthorized, resourceDoesNotExist } from './messages.js';
import type { RequestContext } from './rest-context.js';

const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 30;

export function notFound(): HttpError {
  return new HttpError(404, resourceDoesNotExist);
}

export function isTrue(value: string | null): boolean {
  return value === 'true';
}

export function listInt(
  collection: string,
  name: 'limit' | 'skip',
  raw: string | null,
  fallback: number,
): number {
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw new HttpError(400, `The value '${raw}' is not an integer for ${collection}.`);
  if (name === 'skip' && value < 0) {
    throw new HttpError(400, `The value '${raw}' is not greater than or equal to 0 for ${collection}.`);
  }
  if (name === 'limit' && (value < 0 || value > MAX_LIST_LIMIT)) {
    throw new HttpError(
      400,
      `The value '${raw}' is not in the range of 0 to ${MAX_LIST_LIMIT} for ${collection}.`,
    );
  }
  return name === 'limit' && value === 0 ? MAX_LIST_LIMIT : value;
}

/** `GET <collection>`: newest first, one page of `limit` after `skip`, as OpenWhisk lists entities. */
export function listEntities<T extends { readonly updated: number }>(
  collection: 'actions' | 'packages' | 'triggers' | 'rules',
  context: RequestContext,
  entities: Iterable<T>,
  view: (entity: T) => Record<string, unknown>,
): void {
  const { method, query, response } = context;
  if (method !== 'GET') throw new HttpError(405, 'HTTP method not allowed, supported methods: GET');
  const limit = listInt(collection, 'limit', query.get('limit'), DEFAULT_LIST_LIMIT);
  const skip = listInt(collection, 'skip', query.get('skip'), 0);
  const page = [...entities].sort((a, b) => b.updated - a.updated).slice(skip, skip + limit);
  sendJson(response, 200, page.map(view));
}

/** 403 unless the request is for the caller's own namespace. */
export function requireOwn(context: RequestContext): void {
  if (context.namespace !== context.caller) throw new HttpError(403, notAuthorized);
}
