import { closestWord } from './closest-word.js';

/** The mappings of a wskdeploy manifest whose keys are fixed (names of packages, actions and inputs are not). */
export type ManifestLevel = 'top' | 'project' | 'package' | 'action' | 'limits' | 'parameter';

interface LevelKeys {
  /** Keys this deployer reads. */
  readonly applied: readonly string[];
  /** Keys wskdeploy reads for its own bookkeeping; accepted silently. */
  readonly metadata: readonly string[];
  /** Keys wskdeploy applies and this deployer does not: accepted with a warning. */
  readonly ignored: readonly string[];
}

/**
 * Every key wskdeploy's manifest parser knows (apache/openwhisk-wskdeploy, parsers/yamlparser.go: the
 * YAML tags of Project, Package, Action, Limits and Parameter), sorted by what this deployer does with
 * it. Top-level `package:` is the older single-package form, still read here.
 */
const KEYS: Readonly<Record<ManifestLevel, LevelKeys>> = {
  top: { applied: ['packages', 'project', 'package'], metadata: [], ignored: [] },
  project: {
    applied: ['name', 'packages'],
    metadata: ['version'],
    ignored: ['namespace', 'credential', 'apiHost', 'apigwAccessToken', 'inputs', 'config'],
  },
  package: {
    applied: ['actions', 'inputs', 'annotations'],
    metadata: ['name', 'version', 'license', 'description', 'repositories'],
    ignored: [
      'public',
      'namespace',
      'credential',
      'apiHost',
      'apigwAccessToken',
      'dependencies',
      'triggers',
      'feeds',
      'rules',
      'sequences',
      'apis',
    ],
  },
  action: {
    applied: ['function', 'location', 'runtime', 'main', 'inputs', 'annotations', 'limits'],
    metadata: ['version', 'description', 'outputs', 'exposedUrl'],
    ignored: [
      'code',
      'namespace',
      'credential',
      'web-export',
      'web',
      'docker',
      'native',
      'conductor',
      'include',
      'exclude',
    ],
  },
  limits: {
    applied: ['timeout', 'memorySize', 'logSize'],
    metadata: [],
    // System limits: wskdeploy accepts them but the API cannot change them.
    ignored: ['concurrentActivations', 'userInvocationRate', 'codeSize', 'parameterSize'],
  },
  parameter: {
    applied: ['type', 'value', 'default'],
    metadata: ['description', 'required', 'status', 'schema'],
    ignored: [],
  },
};

/** What {@link checkManifestKeys} found in one mapping. */
export interface KeyCheck {
  /** One message for the first key wskdeploy does not know, naming it, its place and the closest valid key. */
  readonly unknown: string | undefined;
  /** Keys wskdeploy applies that this deployer ignores. */
  readonly ignored: readonly string[];
}

/** Sorts the keys of one mapping of the manifest at `level`; `where` names its place, e.g. `packages.p`. */
export function checkManifestKeys(
  node: Readonly<Record<string, unknown>>,
  level: ManifestLevel,
  where: string,
): KeyCheck {
  const keys = KEYS[level];
  const valid = [...keys.applied, ...keys.metadata, ...keys.ignored];
  const ignored: string[] = [];
  for (const key of Object.keys(node)) {
    if (keys.ignored.includes(key)) ignored.push(key);
    if (valid.includes(key)) continue;
    const place = where === '' ? 'at the top level' : `in ${where}`;
    const closest = closestWord(key, valid);
    const hint = closest === undefined ? `valid keys: ${valid.join(', ')}` : `did you mean '${closest}'?`;
    return { unknown: `unknown key '${key}' ${place} (${hint})`, ignored };
  }
  return { unknown: undefined, ignored };
}

/** Whether a mapping given as an input's value is wskdeploy's long form (`type`, `value`, ...). */
export function isParameterForm(node: Readonly<Record<string, unknown>>): boolean {
  const { applied, metadata } = KEYS.parameter;
  return Object.keys(node).some((key) => applied.includes(key) || metadata.includes(key));
}
