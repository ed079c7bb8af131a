import { checkEntityName } from './entities.js';
import type { EntityStore } from './entity-store.js';
import { HttpError } from './errors.js';
import { readJsonBody, sendJson } from './http-io.js';
import { notAuthorized, resourceExists } from './messages.js';
import { isTrue, listEntities, notFound, requireOwn } from './rest-common.js';
import type { RequestContext } from './rest-context.js';
import { requestedStatus, ruleFromBody, ruleView, type RuleDoc } from './rules.js';
import type { TriggerFirer } from './trigger-fire.js';
import { triggerFromBody, triggerView, type RuleStatus, type TriggerDoc } from './triggers.js';
import { isRecord } from '../is-record.js';

/** What the trigger and rule routes need. */
export interface TriggerRouteDeps {
  readonly entities: EntityStore;
  readonly firer: TriggerFirer;
  readonly payloadLimitBytes: number;
  /** Called once a trigger is deleted, so that whatever feeds it (an alarm) stops. */
  readonly onTriggerDeleted: (namespace: string, name: string) => void;
}

function singleName(context: RequestContext): string {
  const [name] = context.rest;
  if (context.rest.length !== 1 || name === undefined) throw notFound();
  return name;
}

/** `triggers`: list, get, create/update, delete, and fire (POST). */
export async function triggersRoute(context: RequestContext, deps: TriggerRouteDeps): Promise<void> {
  requireOwn(context);
  const { method, query, request, response, namespace, caller } = context;
  const triggers = deps.entities.in(namespace).triggers;
  if (context.rest.length === 0) {
    listEntities('triggers', context, triggers.values(), triggerView);
    return;
  }
  const name = singleName(context);
  const existing = triggers.get(name);
  switch (method) {
    case 'GET':
      if (!existing) throw notFound();
      sendJson(response, 200, triggerView(existing));
      return;
    case 'PUT': {
      checkEntityName(name);
      const body = await readJsonBody(request, deps.payloadLimitBytes);
      if (existing && !isTrue(query.get('overwrite'))) throw new HttpError(409, resourceExists);
      const doc = triggerFromBody(body, { namespace, name }, existing);
      triggers.set(name, doc);
      sendJson(response, 200, triggerView(doc));
      return;
    }
    case 'DELETE':
      if (!existing) throw notFound();
      triggers.delete(name);
      deps.onTriggerDeleted(namespace, name);
      sendJson(response, 200, triggerView(existing));
      return;
    case 'POST': {
      const body = await readJsonBody(request, deps.payloadLimitBytes);
      if (!isRecord(body)) {
        throw new HttpError(400, 'The request content was malformed: the payload must be a JSON object.');
      }
      const activationId = deps.firer.fire(namespace, name, body, caller);
      if (activationId === undefined) {
        response.writeHead(204).end();
        return;
      }
      sendJson(response, 202, { activationId }, { 'x-openwhisk-activation-id': activationId });
      return;
    }
    default:
      throw new HttpError(405, 'HTTP method not allowed, supported methods: GET, PUT, DELETE, POST');
  }
}

function triggerOf(deps: TriggerRouteDeps, rule: RuleDoc): TriggerDoc | undefined {
  return deps.entities.in(rule.trigger.namespace).triggers.get(rule.trigger.name);
}

function statusOf(deps: TriggerRouteDeps, rule: RuleDoc): RuleStatus {
  return triggerOf(deps, rule)?.rules.get(`${rule.namespace}/${rule.name}`)?.status ?? 'inactive';
}

/** Checks what a rule names, as OpenWhisk does on create and update: 400 when either is missing. */
function checkReferences(deps: TriggerRouteDeps, rule: RuleDoc, caller: string): TriggerDoc {
  if (rule.trigger.namespace !== caller) throw new HttpError(403, notAuthorized);
  const trigger = triggerOf(deps, rule);
  if (!trigger) throw new HttpError(400, `trigger ${rule.trigger.path} does not exist`);
  let action;
  try {
    action = deps.entities.resolveAction(rule.action, caller);
  } catch {
    action = undefined;
  }
  if (!action) throw new HttpError(400, `action ${rule.action.path} does not exist`);
  return trigger;
}

/** `rules`: list, get, create/update, delete, and enable/disable (POST `{status}`). */
export async function rulesRoute(context: RequestContext, deps: TriggerRouteDeps): Promise<void> {
  requireOwn(context);
  const { method, query, request, response, namespace, caller } = context;
  const rules = deps.entities.in(namespace).rules;
  if (context.rest.length === 0) {
    listEntities('rules', context, rules.values(), (r) => ruleView(r, statusOf(deps, r)));
    return;
  }
  const name = singleName(context);
  const key = `${namespace}/${name}`;
  const existing = rules.get(name);
  switch (method) {
    case 'GET':
      if (!existing) throw notFound();
      sendJson(response, 200, ruleView(existing, statusOf(deps, existing)));
      return;
    case 'PUT': {
      checkEntityName(name);
      const body = await readJsonBody(request, deps.payloadLimitBytes);
      if (existing && !isTrue(query.get('overwrite'))) throw new HttpError(409, resourceExists);
      const doc = ruleFromBody(body, { namespace, name }, existing);
      const trigger = checkReferences(deps, doc, caller);
      // An update keeps the rule's status; a new rule starts active.
      const status = existing ? statusOf(deps, existing) : 'active';
      if (existing) triggerOf(deps, existing)?.rules.delete(key);
      trigger.rules.set(key, { action: doc.action, status });
      rules.set(name, doc);
      sendJson(response, 200, ruleView(doc, status));
      return;
    }
    case 'DELETE':
      if (!existing) throw notFound();
      triggerOf(deps, existing)?.rules.delete(key);
      rules.delete(name);
      sendJson(response, 200, ruleView(existing, 'inactive'));
      return;
    case 'POST': {
      const body = await readJsonBody(request, deps.payloadLimitBytes);
      if (!existing) throw notFound();
      const status = requestedStatus(body);
      const trigger = triggerOf(deps, existing);
      if (!trigger) throw new HttpError(404, 'Only rules with existing triggers can be activated');
      trigger.rules.set(key, { action: existing.action, status });
      response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' }).end('OK');
      return;
    }
    default:
      throw new HttpError(405, 'HTTP method not allowed, supported methods: GET, PUT, DELETE, POST');
  }
}
