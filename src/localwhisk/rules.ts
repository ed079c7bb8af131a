import { commonFields, jsonObject, type EntityDoc } from './entities.js';
import { HttpError } from './errors.js';
import { parseEntityName, pathAndName, type EntityName } from './names.js';
import type { RuleStatus } from './triggers.js';
import { isRecord } from '../is-record.js';

/** A rule: fires of `trigger` invoke `action`. Its status lives on the trigger, as in OpenWhisk. */
export interface RuleDoc extends EntityDoc {
  readonly trigger: EntityName;
  readonly action: EntityName;
}

function reference(body: Record<string, unknown>, field: 'trigger' | 'action', namespace: string) {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `'${field}' must be the name of the ${field}.`);
  return parseEntityName(value, namespace);
}

/** Builds the stored rule from a PUT body; with `previous` (overwrite) absent fields keep their values. */
export function ruleFromBody(
  body: unknown,
  where: { namespace: string; name: string },
  previous: RuleDoc | undefined,
): RuleDoc {
  const fields = jsonObject(body);
  const trigger = reference(fields, 'trigger', where.namespace) ?? previous?.trigger;
  const action = reference(fields, 'action', where.namespace) ?? previous?.action;
  if (trigger === undefined || action === undefined) {
    throw new HttpError(400, 'rule requires a valid trigger and a valid action');
  }
  if (trigger.packageName !== undefined) throw new HttpError(400, 'a trigger cannot be in a package');
  return { ...commonFields(fields, where.namespace, where.name, previous), trigger, action };
}

/** The rule as the REST API shows it, with the status its trigger holds for it. */
export function ruleView(doc: RuleDoc, status: RuleStatus): Record<string, unknown> {
  return {
    namespace: doc.namespace,
    name: doc.name,
    version: doc.version,
    publish: doc.publish,
    annotations: doc.annotations,
    status,
    trigger: pathAndName(doc.trigger),
    action: pathAndName(doc.action),
    updated: doc.updated,
  };
}

/** Reads `{status: "active" | "inactive"}` of a rule POST. */
export function requestedStatus(body: unknown): RuleStatus {
  const status = isRecord(body) ? body['status'] : undefined;
  if (status !== 'active' && status !== 'inactive') {
    throw new HttpError(400, "The request content was malformed: status must be 'active' or 'inactive'.");
  }
  return status;
}
