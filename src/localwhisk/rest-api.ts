import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ActivationRecord } from './activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import type { ContainerPool } from './container-pool.js';
import {
  actionFromBody,
  actionPath,
  actionView,
  checkEntityName,
  packageFromBody,
  packageView,
  toObject,
  type ActionDoc,
  type PackageDoc,
} from './entities.js';
import { HttpError } from './errors.js';
import { readJsonBody, sendJson } from './http-io.js';
import type { Invoker } from './invoker.js';
import {
  authenticationInvalid,
  authenticationMissing,
  notAuthorized,
  resourceDoesNotExist,
  resourceExists,
} from './messages.js';
import { isRecord } from '../is-record.js';

/** What the REST layer needs to know about the controller. */
export interface RestSettings {
  readonly namespace: string;
  readonly auth: string;
  readonly payloadLimitBytes: number;
  readonly blockingWaitMs: number;
}

const MAX_LIST_LIMIT = 200;
const DEFAULT_LIST_LIMIT = 30;

function notFound(): HttpError {
  return new HttpError(404, resourceDoesNotExist);
}

function isTrue(value: string | null): boolean {
  return value === 'true';
}

function listInt(collection: string, name: 'limit' | 'skip', raw: string | null, fallback: number): number {
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

function epoch(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new HttpError(400, `Parameter is not a valid value for epoch seconds: ${raw}`);
  return value;
}

/** `GET <collection>`: newest first, one page of `limit` after `skip`, as OpenWhisk lists entities. */
function listEntities<T extends { readonly updated: number }>(
  collection: 'actions' | 'packages',
  method: string,
  query: URLSearchParams,
  entities: ReadonlyMap<string, T>,
  view: (entity: T) => Record<string, unknown>,
  response: ServerResponse,
): void {
  if (method !== 'GET') throw new HttpError(405, 'HTTP method not allowed, supported methods: GET');
  const limit = listInt(collection, 'limit', query.get('limit'), DEFAULT_LIST_LIMIT);
  const skip = listInt(collection, 'skip', query.get('skip'), 0);
  const page = [...entities.values()].sort((a, b) => b.updated - a.updated).slice(skip, skip + limit);
  sendJson(response, 200, page.map(view));
}

function summary(record: ActivationRecord): Record<string, unknown> {
  const { logs: _logs, response, ...rest } = record;
  return { ...rest, statusCode: response.statusCode };
}

/**
 * The OpenWhisk REST API under `/api/v1`: namespaces, packages, actions (create, update, get, list,
 * delete, invoke) and activations (get, result, logs, list), with OpenWhisk's statuses and error bodies.
 */
export class RestApi {
  private readonly packages = new Map<string, PackageDoc>();
  private readonly actions = new Map<string, ActionDoc>();
  private readonly expectedAuth: Buffer;

  constructor(
    private readonly settings: RestSettings,
    private readonly invoker: Invoker,
    private readonly store: ActivationStore,
    private readonly pool: ContainerPool,
  ) {
    this.expectedAuth = Buffer.from(settings.auth);
  }

  /** Answers one request; never throws. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const transactionId = randomBytes(16).toString('hex');
    try {
      await this.route(request, response);
    } catch (error) {
      const known = error instanceof HttpError;
      const status = known ? error.status : 500;
      const message = known ? error.message : 'There was an error processing your request.';
      const headers: Record<string, string> = { 'x-request-id': transactionId };
      if (status === 401) headers['www-authenticate'] = 'Basic realm="whisk rest service"';
      if (status === 413) headers['connection'] = 'close';
      if (!response.headersSent) sendJson(response, status, { error: message, code: transactionId }, headers);
      else response.end();
    }
  }

  private authenticate(request: IncomingMessage): void {
    const header = request.headers.authorization;
    if (header === undefined) throw new HttpError(401, authenticationMissing);
    const match = /^Basic\s+(\S+)$/i.exec(header);
    const given = Buffer.from(match?.[1] ?? '', 'base64');
    if (given.length !== this.expectedAuth.length || !timingSafeEqual(given, this.expectedAuth)) {
      throw new HttpError(401, authenticationInvalid);
    }
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let segments: string[];
    try {
      segments = url.pathname
        .split('/')
        .filter((s) => s !== '')
        .map(decodeURIComponent);
    } catch {
      throw new HttpError(400, 'The request URL is malformed.');
    }
    const method = request.method ?? 'GET';
    if (segments[0] !== 'api' || segments[1] !== 'v1') throw notFound();
    if (segments.length === 2 && method === 'GET') {
      sendJson(response, 200, {
        description: 'OpenWhisk-compatible local controller',
        api_paths: ['/api/v1'],
      });
      return;
    }
    if (segments[2] !== 'namespaces') throw notFound();
    this.authenticate(request);
    const namespace = segments[3];
    if (namespace === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'HTTP method not allowed, supported methods: GET');
      sendJson(response, 200, [this.settings.namespace]);
      return;
    }
    if (namespace !== '_' && namespace !== this.settings.namespace) throw new HttpError(403, notAuthorized);
    const collection = segments[4];
    const rest = segments.slice(5).flatMap((s) => s.split('/'));
    const query = url.searchParams;
    if (collection === 'actions') await this.actionsRoute(method, rest, query, request, response);
    else if (collection === 'packages') await this.packagesRoute(method, rest, query, request, response);
    else if (collection === 'activations') this.activationsRoute(method, rest, query, response);
    else throw notFound();
  }

  // ---- packages

  private async packagesRoute(
    method: string,
    rest: string[],
    query: URLSearchParams,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (rest.length === 0) {
      listEntities('packages', method, query, this.packages, (p) => packageView(p), response);
      return;
    }
    const [name] = rest;
    if (rest.length !== 1 || name === undefined) throw notFound();
    const existing = this.packages.get(name);
    switch (method) {
      case 'GET':
        if (!existing) throw notFound();
        sendJson(response, 200, packageView(existing, this.actionsIn(name)));
        return;
      case 'PUT': {
        checkEntityName(name);
        const body = await readJsonBody(request, this.settings.payloadLimitBytes);
        if (existing && !isTrue(query.get('overwrite'))) throw new HttpError(409, resourceExists);
        const doc = packageFromBody(body, { namespace: this.settings.namespace, name }, existing);
        this.packages.set(name, doc);
        sendJson(response, 200, packageView(doc));
        return;
      }
      case 'DELETE': {
        if (!existing) throw notFound();
        const count = this.actionsIn(name).length;
        if (count > 0) {
          throw new HttpError(
            409,
            `Package not empty (contains ${count} ${count === 1 ? 'entity' : 'entities'})`,
          );
        }
        this.packages.delete(name);
        sendJson(response, 200, packageView(existing));
        return;
      }
      default:
        throw new HttpError(405, 'HTTP method not allowed, supported methods: GET, PUT, DELETE');
    }
  }

  private actionsIn(packageName: string): ActionDoc[] {
    return [...this.actions.values()].filter((a) => a.packageName === packageName);
  }

  // ---- actions

  private async actionsRoute(
    method: string,
    rest: string[],
    query: URLSearchParams,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (rest.length === 0) {
      listEntities('actions', method, query, this.actions, (a) => actionView(a, false), response);
      return;
    }
    if (rest.length > 2) throw notFound();
    const name = rest[rest.length - 1] ?? '';
    const packageName = rest.length === 2 ? rest[0] : undefined;
    const key = rest.join('/');
    const existing = this.actions.get(key);
    switch (method) {
      case 'GET':
        if (!existing) throw notFound();
        sendJson(response, 200, actionView(existing, query.get('code') !== 'false'));
        return;
      case 'PUT': {
        checkEntityName(name);
        if (packageName !== undefined && !this.packages.has(packageName)) throw notFound();
        const body = await readJsonBody(request, this.settings.payloadLimitBytes);
        if (existing && !isTrue(query.get('overwrite'))) throw new HttpError(409, resourceExists);
        const doc = actionFromBody(body, { namespace: this.settings.namespace, name, packageName }, existing);
        this.actions.set(key, doc);
        if (existing) this.pool.retire(actionPath(existing));
        sendJson(response, 200, actionView(doc, true));
        return;
      }
      case 'DELETE':
        if (!existing) throw notFound();
        this.actions.delete(key);
        this.pool.retire(actionPath(existing));
        sendJson(response, 200, actionView(existing, false));
        return;
      case 'POST': {
        const body = await readJsonBody(request, this.settings.payloadLimitBytes);
        if (!existing) throw notFound();
        if (!isRecord(body)) {
          throw new HttpError(
            400,
            'The request content was malformed: the parameters must be a JSON object.',
          );
        }
        await this.invoke(existing, body, query, response);
        return;
      }
      default:
        throw new HttpError(405, 'HTTP method not allowed, supported methods: GET, PUT, DELETE, POST');
    }
  }

  private async invoke(
    action: ActionDoc,
    body: Record<string, unknown>,
    query: URLSearchParams,
    response: ServerResponse,
  ): Promise<void> {
    const pkg = action.packageName === undefined ? undefined : this.packages.get(action.packageName);
    const params = { ...toObject(pkg?.parameters ?? []), ...toObject(action.parameters), ...body };
    const invocation = this.invoker.invoke(action, params);
    if (!isTrue(query.get('blocking'))) {
      sendJson(response, 202, { activationId: invocation.activationId });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      invocation.done,
      new Promise<undefined>(
        (resolve) =>
          (timer = setTimeout(() => {
            resolve(undefined);
          }, this.settings.blockingWaitMs)),
      ),
    ]);
    clearTimeout(timer);
    if (waited === undefined) {
      sendJson(response, 202, { activationId: invocation.activationId });
      return;
    }
    const status = waited.response.success ? 200 : waited.response.statusCode === 3 ? 500 : 502;
    const headers = { 'x-openwhisk-activation-id': waited.activationId };
    sendJson(response, status, isTrue(query.get('result')) ? waited.response.result : waited, headers);
  }

  // ---- activations

  private activationsRoute(
    method: string,
    rest: string[],
    query: URLSearchParams,
    response: ServerResponse,
  ): void {
    if (method !== 'GET') throw new HttpError(405, 'HTTP method not allowed, supported methods: GET');
    if (rest.length === 0) {
      const name = query.get('name');
      const since = epoch(query.get('since'));
      const upto = epoch(query.get('upto'));
      const filter: ActivationQuery = {
        limit: listInt('activations', 'limit', query.get('limit'), DEFAULT_LIST_LIMIT),
        skip: listInt('activations', 'skip', query.get('skip'), 0),
        ...(name === null ? {} : { name }),
        ...(since === undefined ? {} : { since }),
        ...(upto === undefined ? {} : { upto }),
      };
      const records = this.store.list(filter);
      sendJson(response, 200, isTrue(query.get('docs')) ? records : records.map(summary));
      return;
    }
    const [id, part] = rest;
    const record = id === undefined ? undefined : this.store.get(id);
    if (!record || rest.length > 2) throw notFound();
    if (part === undefined) sendJson(response, 200, record);
    else if (part === 'result') sendJson(response, 200, record.response);
    else if (part === 'logs') sendJson(response, 200, { logs: record.logs });
    else throw notFound();
  }
}
