import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';

import { DeployError } from './errors.js';
import { checkManifestKeys, isParameterForm, type ManifestLevel } from './manifest-keys.js';
import { NODEJS_RUNTIMES, runtimeForFile } from './runtimes.js';
import { substituteVariables, type Environment } from './substitute.js';
import { isRecord } from '../is-record.js';

/** Limits of one action, in the units of the OpenWhisk REST API. */
export interface ActionLimits {
  /** Milliseconds (manifest `timeout`). */
  readonly timeout?: number;
  /** Megabytes (manifest `memorySize`). */
  readonly memory?: number;
  /** Megabytes (manifest `logSize`). */
  readonly logs?: number;
  /** Activations one container runs at once; not expressible in a wskdeploy manifest. */
  readonly concurrency?: number;
}

/** One action as declared in the manifest, with variables substituted and paths resolved. */
export interface ManifestAction {
  /** Name inside its package, e.g. `leader`. */
  readonly name: string;
  /** Name to use with the SDK: `package/action`, or just `action` for wskdeploy's `default` package. */
  readonly qualifiedName: string;
  /** Absolute path of the code file. */
  readonly functionPath: string;
  /** Action kind, e.g. `nodejs:20`. */
  readonly runtime: string;
  readonly main?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly limits: ActionLimits;
}

/** One package of the manifest. `name` is undefined for wskdeploy's `default` package (no package). */
export interface ManifestPackage {
  readonly name: string | undefined;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly actions: readonly ManifestAction[];
}

/** A parsed manifest. */
export interface Manifest {
  /** Absolute path of the manifest file; function paths are relative to its directory. */
  readonly path: string;
  readonly projectName?: string;
  readonly packages: readonly ManifestPackage[];
  /** Non-fatal findings worth printing: unset variables, keys the API cannot apply. */
  readonly warnings: readonly string[];
}

/** Options of {@link parseManifest}. */
export interface ParseManifestOptions {
  /** Path the text was read from; used in messages and to resolve function paths. */
  readonly path: string;
  /** Variables for `$VAR` / `${VAR}`. Default: `process.env`. */
  readonly env?: Environment;
  /** Action kinds accepted. Default: {@link NODEJS_RUNTIMES}. */
  readonly runtimes?: readonly string[];
}

// wskdeploy's package name that means "deploy the actions without a package".
const NO_PACKAGE = 'default';
// A single-line input whose value is a type name gets that type's zero value in wskdeploy.
const TYPE_DEFAULTS: Readonly<Record<string, () => unknown>> = {
  string: () => '',
  integer: () => 0,
  float: () => 0,
  boolean: () => false,
  json: () => ({}),
};
const TYPE_ALIASES: Readonly<Record<string, string>> = { int: 'integer', bool: 'boolean', map: 'json' };
const LIMIT_KEYS: Readonly<Record<string, keyof ActionLimits>> = {
  timeout: 'timeout',
  memorySize: 'memory',
  logSize: 'logs',
};

type Dict = Record<string, unknown>;

/** Reads and parses a manifest file. Throws {@link DeployError} `MANIFEST_NOT_FOUND` or `MANIFEST_INVALID`. */
export function loadManifest(path: string, options: Omit<ParseManifestOptions, 'path'> = {}): Manifest {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new DeployError('MANIFEST_NOT_FOUND', `manifest not found: ${absolute}`);
  }
  return parseManifest(readFileSync(absolute, 'utf8'), { ...options, path: absolute });
}

/**
 * Parses the text of a wskdeploy manifest: `packages:` (or `project: {packages:}`, or the older
 * `package: {name:}`) → package → `actions` with `function`, `runtime`, `main`, `inputs`,
 * `annotations` and `limits` (`timeout`, `memorySize`, `logSize`). Pure: does not touch the files
 * it names. Throws {@link DeployError} `MANIFEST_INVALID` or `UNKNOWN_RUNTIME`.
 */
export function parseManifest(text: string, options: ParseManifestOptions): Manifest {
  const path = resolve(options.path);
  const reader = new ManifestReader(path, options.env ?? process.env, options.runtimes ?? NODEJS_RUNTIMES);
  return reader.read(text);
}

class ManifestReader {
  private readonly warnings: string[] = [];
  private readonly unset = new Set<string>();

  constructor(
    private readonly path: string,
    private readonly env: Environment,
    private readonly runtimes: readonly string[],
  ) {}

  read(text: string): Manifest {
    const document = parseDocument(text);
    const [first] = document.errors;
    if (first !== undefined) {
      // The yaml library ends its first line with ":" before a code excerpt on the following lines.
      const firstLine = (first.message.split('\n')[0] ?? first.message).replace(/:$/, '');
      this.fail(`invalid YAML: ${firstLine}`);
    }
    const root: unknown = document.toJS();
    if (!isRecord(root)) this.fail('expected a mapping with `packages:` or `project:` at the top');
    this.checkKeys(root, 'top', '');

    let projectName: string | undefined;
    let packagesNode: unknown;
    if (root.project !== undefined) {
      const project = this.dict(root.project, 'project');
      this.checkKeys(project, 'project', 'project');
      if (project.name !== undefined) projectName = this.string(project.name, 'project.name');
      packagesNode = project.packages ?? root.packages;
    } else if (root.packages !== undefined) {
      packagesNode = root.packages;
    } else if (root.package !== undefined) {
      const legacy = this.dict(root.package, 'package');
      this.checkKeys(legacy, 'package', 'package');
      const name = this.string(legacy.name, 'package.name');
      packagesNode = { [name]: legacy };
    }
    if (packagesNode === undefined) this.fail('no `packages:` (or `project: packages:`) section');
    const packagesDict = this.dict(packagesNode, 'packages');
    const packages = Object.entries(packagesDict).map(([key, node]) => this.readPackage(key, node));
    if (packages.length === 0) this.fail('`packages:` is empty');
    if (this.unset.size > 0) {
      this.warnings.unshift(`unset environment variables replaced by "": ${[...this.unset].join(', ')}`);
    }
    return {
      path: this.path,
      ...(projectName === undefined ? {} : { projectName }),
      packages,
      warnings: this.warnings,
    };
  }

  private readPackage(key: string, node: unknown): ManifestPackage {
    const where = `packages.${key}`;
    const pkg = node === null ? {} : this.dict(node, where);
    this.checkKeys(pkg, 'package', where);
    const name = this.substitute(key);
    if (name === '') this.fail(`${where}: the package name is empty after substitution`);
    const packageName = name === NO_PACKAGE ? undefined : name;
    const actionsNode = pkg.actions ?? {};
    const actions = Object.entries(this.dict(actionsNode, `${where}.actions`)).map(
      ([actionKey, actionNode]) =>
        this.readAction(packageName, `${where}.actions.${actionKey}`, actionKey, actionNode),
    );
    return {
      name: packageName,
      inputs: this.inputs(pkg.inputs, `${where}.inputs`),
      annotations: this.annotations(pkg.annotations, `${where}.annotations`),
      actions,
    };
  }

  private readAction(
    packageName: string | undefined,
    where: string,
    key: string,
    node: unknown,
  ): ManifestAction {
    const action = this.dict(node, where);
    this.checkKeys(action, 'action', where);
    const name = this.substitute(key);
    if (!/^[\w@.-][\w@ .-]*$/.test(name)) this.fail(`${where}: invalid action name '${name}'`);
    const functionNode = action.function ?? action.location;
    if (functionNode === undefined) this.fail(`${where}: missing \`function\` (path of the action's code)`);
    const functionFile = this.substitute(this.string(functionNode, `${where}.function`));
    const functionPath = resolve(dirname(this.path), functionFile);
    const runtime =
      action.runtime === undefined
        ? runtimeForFile(functionFile)
        : this.substitute(this.string(action.runtime, `${where}.runtime`));
    if (runtime === undefined) {
      throw new DeployError(
        'UNKNOWN_RUNTIME',
        `${this.path}: ${where}: no \`runtime\` given and none can be inferred from '${functionFile}'`,
      );
    }
    if (!this.runtimes.includes(runtime)) {
      throw new DeployError(
        'UNKNOWN_RUNTIME',
        `${this.path}: ${where}: unknown runtime '${runtime}' (known: ${this.runtimes.join(', ')})`,
      );
    }
    const main =
      action.main === undefined ? undefined : this.substitute(this.string(action.main, `${where}.main`));
    return {
      name,
      qualifiedName: packageName === undefined ? name : `${packageName}/${name}`,
      functionPath,
      runtime,
      ...(main === undefined ? {} : { main }),
      inputs: this.inputs(action.inputs, `${where}.inputs`),
      annotations: this.annotations(action.annotations, `${where}.annotations`),
      limits: this.limits(action.limits, `${where}.limits`),
    };
  }

  private inputs(node: unknown, where: string): Dict {
    if (node === undefined || node === null) return {};
    const result: Dict = {};
    for (const [key, raw] of Object.entries(this.dict(node, where))) {
      result[key] = this.input(raw, `${where}.${key}`);
    }
    return result;
  }

  private input(raw: unknown, where: string): unknown {
    if (isRecord(raw) && isParameterForm(raw)) {
      this.checkKeys(raw, 'parameter', where);
      const declared = raw.type === undefined ? undefined : this.string(raw.type, `${where}.type`);
      const type = declared === undefined ? undefined : (TYPE_ALIASES[declared] ?? declared);
      if (type !== undefined && TYPE_DEFAULTS[type] === undefined) {
        this.fail(
          `${where}: unknown input type '${declared ?? ''}' (known: ${Object.keys(TYPE_DEFAULTS).join(', ')})`,
        );
      }
      const value = raw.value ?? raw.default;
      if (value === undefined || value === null) return type === undefined ? '' : TYPE_DEFAULTS[type]?.();
      if (type === 'json' && typeof value === 'string') {
        try {
          return JSON.parse(this.substitute(value)) as unknown;
        } catch {
          this.fail(`${where}: value is not valid JSON`);
        }
      }
      return typeof value === 'string' ? this.substitute(value) : value;
    }
    if (typeof raw === 'string') {
      const typeDefault = TYPE_DEFAULTS[TYPE_ALIASES[raw] ?? raw];
      return typeDefault === undefined ? this.substitute(raw) : typeDefault();
    }
    return raw ?? '';
  }

  private annotations(node: unknown, where: string): Dict {
    if (node === undefined || node === null) return {};
    const result: Dict = {};
    for (const [key, value] of Object.entries(this.dict(node, where))) {
      result[key] = typeof value === 'string' ? this.substitute(value) : value;
    }
    return result;
  }

  private limits(node: unknown, where: string): ActionLimits {
    if (node === undefined || node === null) return {};
    const result: Partial<Record<keyof ActionLimits, number>> = {};
    const limits = this.dict(node, where);
    this.checkKeys(limits, 'limits', where);
    for (const [key, raw] of Object.entries(limits)) {
      const target = LIMIT_KEYS[key];
      if (target === undefined) continue;
      const value = typeof raw === 'string' ? Number(this.substitute(raw)) : raw;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
        this.fail(`${where}.${key} must be a positive integer, got ${JSON.stringify(raw)}`);
      }
      result[target] = value;
    }
    return result;
  }

  /** Fails on a key wskdeploy does not know; warns about one it applies and this deployer does not. */
  private checkKeys(node: Dict, level: ManifestLevel, where: string): void {
    const { unknown, ignored } = checkManifestKeys(node, level, where);
    if (unknown !== undefined) this.fail(unknown);
    for (const key of ignored) {
      this.warnings.push(
        level === 'limits'
          ? `${where}.${key} is a system limit the API cannot set; ignored`
          : `${where}.${key} is not applied by this deployer (wskdeploy applies it); ignored`,
      );
    }
  }

  private substitute(text: string): string {
    const { value, unset } = substituteVariables(text, this.env);
    for (const name of unset) this.unset.add(name);
    return value;
  }

  private dict(value: unknown, where: string): Dict {
    if (!isRecord(value)) this.fail(`${where} must be a mapping`);
    return value;
  }

  private string(value: unknown, where: string): string {
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
    return this.fail(`${where} must be a non-empty string`);
  }

  private fail(message: string): never {
    throw new DeployError('MANIFEST_INVALID', `${this.path}: ${message}`);
  }
}
