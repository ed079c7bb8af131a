import { HttpError } from './errors.js';
import { execView, parseExec, type ActionExec } from './exec.js';
import type { NativeAction } from './native-action.js';
import { MAX_ACTION_CONCURRENCY } from './options.js';
import { isRecord } from '../is-record.js';

/** One `{key, value}` pair of `parameters` or `annotations`, as OpenWhisk stores them. */
export interface KeyValue {
  readonly key: string;
  readonly value: unknown;
}

/** `limits` of an action, with OpenWhisk's units: ms, MB, MB, activations per container. */
export interface ActionLimits {
  readonly timeout: number;
  readonly memory: number;
  readonly logs: number;
  readonly concurrency: number;
}

/** What every stored entity has. */
export interface EntityDoc {
  /** `ns`, or for an action in a package `ns/package`, as OpenWhisk reports it. */
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly updated: number;
}

/** A package, or a binding to another (shared) package with its own parameters. */
export interface PackageDoc extends EntityDoc {
  /** The package bound to, `{namespace, name}`; undefined for an ordinary package. */
  readonly binding: { readonly namespace: string; readonly name: string } | undefined;
}

export interface ActionDoc extends EntityDoc {
  readonly packageName: string | undefined;
  readonly exec: ActionExec;
  readonly limits: ActionLimits;
  /** Whether the action set `limits.concurrency` itself (otherwise the controller's default applies). */
  readonly concurrencySet: boolean;
  /** Catalog actions that act on the controller itself (feeds) run in-process instead of in a container. */
  readonly native?: NativeAction;
}

/** An action's fully qualified name, `/namespace[/package]/name`: its containers' key and `__OW_ACTION_NAME`. */
export function actionPath(action: { readonly namespace: string; readonly name: string }): string {
  return `/${action.namespace}/${action.name}`;
}

export const DEFAULT_LIMITS: ActionLimits = { timeout: 60000, memory: 256, logs: 10, concurrency: 1 };

const LIMIT_RANGES: Record<keyof ActionLimits, { min: number; max: number; unit: string }> = {
  timeout: { min: 100, max: 300000, unit: 'milliseconds' },
  memory: { min: 128, max: 512, unit: 'MB' },
  logs: { min: 0, max: 10, unit: 'MB' },
  concurrency: { min: 1, max: MAX_ACTION_CONCURRENCY, unit: 'activations' },
};

const ENTITY_NAME = /^([\w]|[\w][\w@ .-]*[\w@.-]+)$/;

/** Throws 400 unless `name` is a legal OpenWhisk entity name. */
export function checkEntityName(name: string): void {
  if (name.length > 256 || !ENTITY_NAME.test(name)) {
    throw new HttpError(400, 'The name of the entity contains illegal characters.');
  }
}

function keyValues(field: string, value: unknown): KeyValue[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new HttpError(400, `'${field}' must be an array of {key, value}.`);
  return value.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry['key'] !== 'string') {
      throw new HttpError(400, `'${field}' must be an array of {key, value}.`);
    }
    return { key: entry['key'], value: entry['value'] };
  });
}

function limits(value: unknown, base: ActionLimits): ActionLimits {
  if (value === undefined) return base;
  if (!isRecord(value)) throw new HttpError(400, "'limits' must be an object.");
  const out: Record<keyof ActionLimits, number> = { ...base };
  for (const key of Object.keys(LIMIT_RANGES) as (keyof ActionLimits)[]) {
    const given = value[key];
    if (given === undefined) continue;
    const { min, max, unit } = LIMIT_RANGES[key];
    if (typeof given !== 'number' || !Number.isInteger(given)) {
      throw new HttpError(400, `requirement failed: ${key} must be an integer number of ${unit}`);
    }
    if (given < min)
      throw new HttpError(
        400,
        `requirement failed: ${key} ${given} ${unit} below allowed threshold of ${min} ${unit}`,
      );
    if (given > max)
      throw new HttpError(
        400,
        `requirement failed: ${key} ${given} ${unit} exceeds allowed threshold of ${max} ${unit}`,
      );
    out[key] = given;
  }
  return out;
}

function nextVersion(previous: string | undefined): string {
  if (previous === undefined) return '0.0.1';
  const [major = 0, minor = 0, patch = 0] = previous.split('.').map(Number);
  return `${major}.${minor}.${patch + 1}`;
}

/** Builds the stored action from a PUT body; with `previous` (overwrite) absent fields keep their values. */
export function actionFromBody(
  body: unknown,
  where: { namespace: string; name: string; packageName: string | undefined },
  previous: ActionDoc | undefined,
): ActionDoc {
  const fields = jsonObject(body);
  const givenLimits = isRecord(fields['limits']) ? fields['limits'] : {};
  // Checked in this order so that a body with several faults names the same one as before.
  const actionExec = parseExec(fields['exec'], previous?.exec, where.namespace);
  const namespace =
    where.packageName === undefined ? where.namespace : `${where.namespace}/${where.packageName}`;
  return {
    ...commonFields(fields, namespace, where.name, previous),
    packageName: where.packageName,
    exec: actionExec,
    limits: limits(fields['limits'], previous?.limits ?? DEFAULT_LIMITS),
    concurrencySet: givenLimits['concurrency'] !== undefined || (previous?.concurrencySet ?? false),
  };
}

/** Builds the stored package from a PUT body. */
export function packageFromBody(
  body: unknown,
  where: { namespace: string; name: string },
  previous: PackageDoc | undefined,
): PackageDoc {
  const fields = jsonObject(body);
  return {
    ...commonFields(fields, where.namespace, where.name, previous),
    binding: bindingOf(fields['binding'], previous?.binding),
  };
}

function bindingOf(value: unknown, previous: PackageDoc['binding']): PackageDoc['binding'] {
  if (value === undefined || (isRecord(value) && Object.keys(value).length === 0)) return previous;
  if (!isRecord(value) || typeof value['namespace'] !== 'string' || typeof value['name'] !== 'string') {
    throw new HttpError(400, "'binding' must be an object with 'namespace' and 'name'.");
  }
  return { namespace: value['namespace'], name: value['name'] };
}

/** The body of a PUT as an object; 400 otherwise. */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new HttpError(400, 'The request content was malformed: expected a JSON object.');
  return body;
}

/** The fields every entity has; with `previous` (overwrite) absent ones keep their values. */
export function commonFields(
  body: Record<string, unknown>,
  namespace: string,
  name: string,
  previous: EntityDoc | undefined,
): EntityDoc {
  return {
    namespace,
    name,
    version: nextVersion(previous?.version),
    publish: body['publish'] === true,
    parameters: keyValues('parameters', body['parameters']) ?? previous?.parameters ?? [],
    annotations: keyValues('annotations', body['annotations']) ?? previous?.annotations ?? [],
    updated: Date.now(),
  };
}

/** The value of an annotation, or undefined. */
export function annotation(doc: { readonly annotations: readonly KeyValue[] }, key: string): unknown {
  return doc.annotations.find((entry) => entry.key === key)?.value;
}

function isFeed(action: ActionDoc): boolean {
  const feed = annotation(action, 'feed');
  return feed !== undefined && feed !== false;
}

/** Folds `{key, value}` pairs into an object, later pairs winning. */
export function toObject(pairs: readonly KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of pairs) out[key] = value;
  return out;
}

/** The action as the REST API shows it (`code` false omits the code, as in OpenWhisk). */
export function actionView(doc: ActionDoc, withCode: boolean): Record<string, unknown> {
  return {
    namespace: doc.namespace,
    name: doc.name,
    version: doc.version,
    publish: doc.publish,
    exec: execView(doc.exec, withCode),
    parameters: doc.parameters,
    annotations: [...doc.annotations.filter((a) => a.key !== 'exec'), { key: 'exec', value: doc.exec.kind }],
    limits: doc.limits,
    updated: doc.updated,
  };
}

/** The package as the REST API shows it; `actions` only on a single GET. */
export function packageView(doc: PackageDoc, actions?: readonly ActionDoc[]): Record<string, unknown> {
  const view: Record<string, unknown> = {
    namespace: doc.namespace,
    name: doc.name,
    version: doc.version,
    publish: doc.publish,
    binding: doc.binding ?? {},
    parameters: doc.parameters,
    annotations: doc.annotations,
    updated: doc.updated,
  };
  if (actions) {
    const summary = (a: ActionDoc): Record<string, unknown> => ({
      name: a.name,
      version: a.version,
      annotations: a.annotations,
    });
    view['actions'] = actions.filter((a) => !isFeed(a)).map(summary);
    view['feeds'] = actions.filter(isFeed).map(summary);
  }
  return view;
}
