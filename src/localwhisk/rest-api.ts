import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ActivationRecord } from './activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import type { Activator } from './activator.js';
import type { ContainerPool } from './container-pool.js';
import {
  actionFromBody,
  actionPath,
  actionView,
  checkEntityName,
  packageFromBody,
  packageView,
  type ActionDoc,
} from './entities.js';
import type { EntityStore, ResolvedAction } from './entity-store.js';
import { HttpError } from './errors.js';
import { isSequence } from './exec.js';
import { readJsonBody, sendJson } from './http-io.js';
import { authenticationInvalid, authenticationMissing, notAuthorized, resourceExists } from './messages.js';
import { entityName, type EntityName } from './names.js';
import { isTrue, listEntities, listInt, notFound, requireOwn, DEFAULT_LIST_LIMIT } from './rest-common.js';
import { rulesRoute, triggersRoute, type TriggerRouteDeps } from './rest-triggers.js';
import type { RequestContext } from './rest-context.js';
import { isRecord } from '../is-record.js';
import { randomId } from './random-id.js';

/** What the REST layer needs to know about the controller. */
export interface RestSettings {
  readonly namespace: string;
  readonly auth: string;
  readonly payloadLimitBytes: number;
  readonly blockingWaitMs: number;
}

function epoch(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new HttpError(400, `Parameter is not a valid value for epoch seconds: ${raw}`);
  return value;
}

const bindingDoesNotExist = 'Binding references a package that does not exist.';
const bindingCannotReferenceBinding = 'Cannot bind to another package binding.';
const sequenceComponentNotFound = 'Sequence component does not exist.';
const sequenceIsCyclic = 'Sequence may not refer to itself.';

function summary(record: ActivationRecord): Record<string, unknown> {
  const { logs: _logs, response, ...rest } = record;
  return { ...rest, statusCode: response.statusCode };
}

/** What the REST layer needs to reach. */
export interface RestDeps {
  readonly entities: EntityStore;
  readonly activator: Activator;
  readonly activations: ActivationStore;
  readonly pool: ContainerPool;
  readonly triggers: TriggerRouteDeps;
}

/**
 * The OpenWhisk REST API under `/api/v1`: namespaces, packages (and bindings), actions (code and
 * sequences), triggers, rules and activations, with OpenWhisk's statuses and error bodies. Shared
 * packages of other namespaces (the `whisk.system` catalog) can be read and invoked by the caller.
 */
export class RestApi {
  private readonly expectedAuth: Buffer;
  private readonly store: ActivationStore;

  constructor(
    private readonly settings: RestSettings,
    private readonly deps: RestDeps,
  ) {
    this.expectedAuth = Buffer.from(settings.auth);
    this.store = deps.activations;
  }

  /** Answers one request; never throws. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.route(request, response);
    } catch (error) {
      const transactionId = randomId();
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
    const caller = this.settings.namespace;
    const named = segments[3];
    if (named === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'HTTP method not allowed, supported methods: GET');
      sendJson(response, 200, [caller]);
      return;
    }
    const namespace = named === '_' ? caller : named;
    // Another namespace is visible only through its shared packages.
    if (namespace !== caller && !this.deps.entities.has(namespace)) throw new HttpError(403, notAuthorized);
    const collection = segments[4];
    const rest = segments.slice(5).flatMap((s) => s.split('/'));
    const context: RequestContext = {
      method,
      rest,
      query: url.searchParams,
      request,
      response,
      namespace,
      caller,
    };
    if (collection === 'actions') await this.actionsRoute(context);
    else if (collection === 'packages') await this.packagesRoute(context);
    else if (collection === 'triggers') await triggersRoute(context, this.deps.triggers);
    else if (collection === 'rules') await rulesRoute(context, this.deps.triggers);
    else if (collection === 'activations') {
      requireOwn(context);
      this.activationsRoute(method, rest, url.searchParams, response);
    } else throw notFound();
  }

  // ---- packages

  private async packagesRoute(context: RequestContext): Promise<void> {
    const { method, rest, query, request, response, namespace, caller } = context;
    const { entities } = this.deps;
    const packages = entities.in(namespace).packages;
    if (rest.length === 0) {
      const visible = [...packages.values()].filter((p) => namespace === caller || p.publish);
      listEntities('packages', context, visible, (p) => packageView(p));
      return;
    }
    const [name] = rest;
    if (rest.length !== 1 || name === undefined) throw notFound();
    if (method !== 'GET') requireOwn(context);
    const existing = packages.get(name);
    switch (method) {
      case 'GET': {
        const pkg = entities.readablePackage(namespace, name, caller);
        if (!pkg) throw notFound();
        const contents = pkg.binding
          ? this.actionsIn(pkg.binding.namespace, pkg.binding.name)
          : this.actionsIn(namespace, name);
        sendJson(response, 200, packageView(pkg, contents));
        return;
      }
      case 'PUT': {
        checkEntityName(name);
        const body = await readJsonBody(request, this.settings.payloadLimitBytes);
        if (existing && !isTrue(query.get('overwrite'))) throw new HttpError(409, resourceExists);
        const doc = packageFromBody(body, { namespace, name }, existing);
        if (doc.binding) this.checkBinding(doc.binding, caller);
        packages.set(name, doc);
        sendJson(response, 200, packageView(doc));
        return;
      }
      case 'DELETE': {
        if (!existing) throw notFound();
        const count = this.actionsIn(namespace, name).length;
        if (count > 0) {
          throw new HttpError(
            409,
            `Package not empty (contains ${count} ${count === 1 ? 'entity' : 'entities'})`,
          );
        }
        packages.delete(name);
        sendJson(response, 200, packageView(existing));
        return;
      }
      default:
        throw new HttpError(405, 'HTTP method not allowed, supported methods: GET, PUT, DELETE');
    }
  }

  private checkBinding(binding: { namespace: string; name: string }, caller: string): void {
    const target = binding.namespace === '_' ? caller : binding.namespace;
    const bound = this.deps.entities.readablePackage(target, binding.name, caller);
    if (!bound) throw new HttpError(400, bindingDoesNotExist);
    if (bound.binding) throw new HttpError(400, bindingCannotReferenceBinding);
  }

  private actionsIn(namespace: string, packageName: string): ActionDoc[] {
    return [...this.deps.entities.in(namespace).actions.values()].filter(
      (a) => a.packageName === packageName,
    );
  }

  // ---- actions

  private resolve(name: EntityName, caller: string): ResolvedAction {
    const resolved = this.deps.entities.resolveAction(name, caller);
    if (!resolved) throw notFound();
    return resolved;
  }

  private async actionsRoute(context: RequestContext): Promise<void> {
    const { method, rest, query, request, response, namespace, caller } = context;
    const actions = this.deps.entities.in(namespace).actions;
    if (rest.length === 0) {
      requireOwn(context);
      listEntities('actions', context, actions.values(), (a) => actionView(a, false));
      return;
    }
    if (rest.length > 2) throw notFound();
    const name = rest[rest.length - 1] ?? '';
    const packageName = rest.length === 2 ? rest[0] : undefined;
    const target = entityName(namespace, packageName, name);
    if (method !== 'GET' && method !== 'POST') requireOwn(context);
    const key = rest.join('/');
    const existing = actions.get(key);
    switch (method) {
      case 'GET':
        sendJson(
          response,
          200,
          actionView(this.resolve(target, caller).action, query.get('code') !== 'false'),
        );
        return;
      case 'PUT': {
        checkEntityName(name);
        if (packageName !== undefined) {
          const pkg = this.deps.entities.in(namespace).packages.get(packageName);
          if (!pkg) throw notFound();
          if (pkg.binding) throw new HttpError(400, 'Cannot create an action in a package binding.');
        }
        const body = await readJsonBody(request, this.settings.payloadLimitBytes);
        if (existing && !isTrue(query.get('overwrite'))) throw new HttpError(409, resourceExists);
        const doc = actionFromBody(body, { namespace, name, packageName }, existing);
        if (isSequence(doc.exec)) this.checkComponents(doc, caller);
        actions.set(key, doc);
        if (existing) this.deps.pool.retire(actionPath(existing));
        sendJson(response, 200, actionView(doc, true));
        return;
      }
      case 'DELETE':
        if (!existing) throw notFound();
        actions.delete(key);
        this.deps.pool.retire(actionPath(existing));
        sendJson(response, 200, actionView(existing, false));
        return;
      case 'POST': {
        const body = await readJsonBody(request, this.settings.payloadLimitBytes);
        const resolved = this.resolve(target, caller);
        if (!isRecord(body)) {
          throw new HttpError(
            400,
            'The request content was malformed: the parameters must be a JSON object.',
          );
        }
        await this.invoke(resolved, body, context);
        return;
      }
      default:
        throw new HttpError(405, 'HTTP method not allowed, supported methods: GET, PUT, DELETE, POST');
    }
  }

  private checkComponents(sequence: ActionDoc, caller: string): void {
    if (!isSequence(sequence.exec)) return;
    for (const component of sequence.exec.components) {
      if (component.path === actionPath(sequence)) throw new HttpError(400, sequenceIsCyclic);
      let found: ResolvedAction | undefined;
      try {
        found = this.deps.entities.resolveAction(component, caller);
      } catch {
        found = undefined;
      }
      if (!found) throw new HttpError(400, sequenceComponentNotFound);
    }
  }

  private async invoke(
    resolved: ResolvedAction,
    body: Record<string, unknown>,
    context: RequestContext,
  ): Promise<void> {
    const { query, response, caller } = context;
    const invocation = this.deps.activator.invoke(resolved, body, { caller });
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
