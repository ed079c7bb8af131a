import type { ActionDoc, PackageDoc } from './entities.js';
import { toObject } from './entities.js';
import { HttpError } from './errors.js';
import { notAuthorized } from './messages.js';
import type { EntityName } from './names.js';
import type { RuleDoc } from './rules.js';
import type { TriggerDoc } from './triggers.js';

/** The entities of one namespace, keyed by name (`pkg/name` for an action in a package). */
export interface NamespaceEntities {
  readonly packages: Map<string, PackageDoc>;
  readonly actions: Map<string, ActionDoc>;
  readonly triggers: Map<string, TriggerDoc>;
  readonly rules: Map<string, RuleDoc>;
}

/** An action found by name, with the default parameters of its package (or binding) folded in. */
export interface ResolvedAction {
  readonly action: ActionDoc;
  /** Package parameters, then binding parameters, then the action's own. */
  readonly params: Record<string, unknown>;
  /** `ns/binding` when the action was reached through a package binding. */
  readonly binding: string | undefined;
}

/** Every namespace's entities, and the lookups that cross namespaces (shared packages, bindings). */
export class EntityStore {
  private readonly namespaces = new Map<string, NamespaceEntities>();

  /** Whether `namespace` holds (or held) entities. */
  has(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  /** The entities of `namespace`, created empty on first use. */
  in(namespace: string): NamespaceEntities {
    let entities = this.namespaces.get(namespace);
    if (!entities) {
      entities = { packages: new Map(), actions: new Map(), triggers: new Map(), rules: new Map() };
      this.namespaces.set(namespace, entities);
    }
    return entities;
  }

  /**
   * A package `caller` may read: its own, or a shared (`publish: true`) one of another namespace.
   * Undefined when it does not exist; 403 when it exists but is not shared.
   */
  readablePackage(namespace: string, name: string, caller: string): PackageDoc | undefined {
    const pkg = this.namespaces.get(namespace)?.packages.get(name);
    if (pkg && namespace !== caller && !pkg.publish) throw new HttpError(403, notAuthorized);
    return pkg;
  }

  /**
   * Finds the action `name` as `caller` invokes it, following a package binding to its package.
   * Undefined when it does not exist; 403 when it lies in another namespace outside a shared package.
   */
  resolveAction(name: EntityName, caller: string): ResolvedAction | undefined {
    if (name.packageName === undefined) {
      if (name.namespace !== caller) throw new HttpError(403, notAuthorized);
      const action = this.namespaces.get(name.namespace)?.actions.get(name.name);
      return action && { action, params: toObject(action.parameters), binding: undefined };
    }
    const pkg = this.readablePackage(name.namespace, name.packageName, caller);
    if (!pkg) return undefined;
    if (pkg.binding === undefined) {
      const action = this.namespaces.get(name.namespace)?.actions.get(`${name.packageName}/${name.name}`);
      if (!action) return undefined;
      const params = { ...toObject(pkg.parameters), ...toObject(action.parameters) };
      return { action, params, binding: undefined };
    }
    const bound = this.readablePackage(pkg.binding.namespace, pkg.binding.name, name.namespace);
    if (!bound || bound.binding !== undefined) return undefined;
    const action = this.namespaces.get(pkg.binding.namespace)?.actions.get(`${bound.name}/${name.name}`);
    if (!action) return undefined;
    const params = {
      ...toObject(bound.parameters),
      ...toObject(pkg.parameters),
      ...toObject(action.parameters),
    };
    return { action, params, binding: `${name.namespace}/${name.packageName}` };
  }
}
