import { commonFields, jsonObject, type EntityDoc } from './entities.js';
import { pathAndName, type EntityName } from './names.js';

export type RuleStatus = 'active' | 'inactive';

/** What a trigger knows of a rule that names it: the action to invoke and whether the rule is enabled. */
export interface RuleLink {
  readonly action: EntityName;
  readonly status: RuleStatus;
}

export interface TriggerDoc extends EntityDoc {
  /** Rules that name this trigger, keyed `ns/rule`, as OpenWhisk keeps them on the trigger. */
  readonly rules: Map<string, RuleLink>;
}

/** Builds the stored trigger from a PUT body; with `previous` (overwrite) absent fields and rules stay. */
export function triggerFromBody(
  body: unknown,
  where: { namespace: string; name: string },
  previous: TriggerDoc | undefined,
): TriggerDoc {
  const fields = jsonObject(body);
  return {
    ...commonFields(fields, where.namespace, where.name, previous),
    rules: previous?.rules ?? new Map<string, RuleLink>(),
  };
}

/** The trigger as the REST API shows it: `rules` only once a rule names it. */
export function triggerView(doc: TriggerDoc): Record<string, unknown> {
  const view: Record<string, unknown> = {
    namespace: doc.namespace,
    name: doc.name,
    version: doc.version,
    publish: doc.publish,
    parameters: doc.parameters,
    annotations: doc.annotations,
    limits: {},
    updated: doc.updated,
  };
  if (doc.rules.size > 0) {
    const rules: Record<string, unknown> = {};
    for (const [name, link] of doc.rules) {
      rules[name] = { action: pathAndName(link.action), status: link.status };
    }
    view['rules'] = rules;
  }
  return view;
}
