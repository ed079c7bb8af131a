import { HttpError } from './errors.js';

/** A fully qualified entity name: `/namespace[/package]/name`. */
export interface EntityName {
  readonly namespace: string;
  readonly packageName: string | undefined;
  readonly name: string;
  /** `/namespace[/package]/name`. */
  readonly path: string;
}

/** The namespace of the system catalog (`/whisk.system/utils`, `/whisk.system/alarms`). */
export const SYSTEM_NAMESPACE = 'whisk.system';

export function entityName(namespace: string, packageName: string | undefined, name: string): EntityName {
  const path = packageName === undefined ? `/${namespace}/${name}` : `/${namespace}/${packageName}/${name}`;
  return { namespace, packageName, name, path };
}

/**
 * Resolves a name as OpenWhisk does: `name` and `pkg/name` are in `defaultNamespace`; `/ns/name`,
 * `/ns/pkg/name` and `ns/pkg/name` name their namespace; `_` is `defaultNamespace`.
 */
export function parseEntityName(raw: string, defaultNamespace: string): EntityName {
  const absolute = raw.startsWith('/');
  const parts = (absolute ? raw.slice(1) : raw).split('/');
  if (parts.some((p) => p === '')) throw new HttpError(400, `The entity name '${raw}' is not valid.`);
  const own = (ns: string): string => (ns === '_' ? defaultNamespace : ns);
  if (!absolute && parts.length <= 2) {
    const [first = '', second] = parts;
    return second === undefined
      ? entityName(defaultNamespace, undefined, first)
      : entityName(defaultNamespace, first, second);
  }
  const [ns = '', first = '', second] = parts;
  if (parts.length === 2) return entityName(own(ns), undefined, first);
  if (parts.length === 3 && second !== undefined) return entityName(own(ns), first, second);
  throw new HttpError(400, `The entity name '${raw}' is not valid.`);
}

/** `{path, name}` as rules show their trigger and action: `path` is `ns[/pkg]`. */
export function pathAndName(name: EntityName): { path: string; name: string } {
  return {
    path: name.packageName === undefined ? name.namespace : `${name.namespace}/${name.packageName}`,
    name: name.name,
  };
}
