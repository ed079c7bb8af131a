import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from './errors.js';
import { maskUrl, Secret } from './secret.js';
import { parseWskprops } from './wskprops.js';

/** Where a setting came from, in precedence order. */
export type ConfigSource = 'options' | 'environment' | 'wskprops' | 'default';

/** Where a setting that was found came from (only the namespace has a default). */
export type FoundSource = Exclude<ConfigSource, 'default'>;

/**
 * Which OpenWhisk to talk to.
 * - `auto` (default): the configured one, else start the embedded controller.
 * - `remote`: the configured one; a missing configuration is an error.
 * - `local`: always the embedded controller, whatever is configured.
 */
export type TargetMode = 'auto' | 'remote' | 'local';

/** The settings a caller can pass explicitly; each overrides its environment and wskprops counterpart. */
export interface ConnectionOptions {
  /** OpenWhisk API host, e.g. `https://openwhisk.example.com` or `host:port` (https assumed). */
  readonly apihost?: string;
  /** API key `uuid:key`. Never logged. */
  readonly apiKey?: string;
  /** Namespace; default `_` (the key's own). */
  readonly namespace?: string;
  /** Default `auto`. */
  readonly target?: TargetMode;
  /**
   * How the caller's users give `apihost`, `apiKey` and `namespace`, for messages about a missing or
   * malformed setting: {@link COMMAND_LINE_OPTIONS} on a command line. Default {@link LIBRARY_OPTIONS}.
   */
  readonly optionNames?: OptionNames;
}

/** What messages call the explicit connection options. */
export interface OptionNames {
  readonly apihost: string;
  readonly apiKey: string;
  readonly namespace: string;
}

/** The options' names for a library caller. */
export const LIBRARY_OPTIONS: OptionNames = {
  apihost: 'the apihost option',
  apiKey: 'the apiKey option',
  namespace: 'the namespace option',
};

/** The options' names on the command line of `map` and `deploy`. */
export const COMMAND_LINE_OPTIONS: OptionNames = {
  apihost: '--apihost',
  apiKey: '--auth',
  namespace: '--namespace',
};

/** Everything {@link resolveConfig} reads besides the options, injectable so that it stays pure. */
export interface ConfigEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  /** Text of the file, or `undefined` when it does not exist. */
  readonly readFile: (path: string) => string | undefined;
}

/** A configured OpenWhisk, with where each of its settings came from. */
export interface RemoteConfig {
  readonly kind: 'remote';
  /** Always with a scheme and without a trailing slash. */
  readonly apihost: string;
  readonly auth: Secret;
  readonly namespace: string;
  readonly sources: {
    readonly apihost: FoundSource;
    readonly auth: FoundSource;
    readonly namespace: ConfigSource;
  };
  /** The wskprops file that was consulted (whether or not it existed). */
  readonly wskpropsPath: string;
}

/** No OpenWhisk configured (or `target: 'local'`): use the embedded controller. */
export interface LocalConfig {
  readonly kind: 'local';
  /** Why: `'requested'` for `target: 'local'`, `'unconfigured'` when nothing was found. */
  readonly reason: 'requested' | 'unconfigured';
  readonly wskpropsPath: string;
}

export type ResolvedConfig = RemoteConfig | LocalConfig;

type Field = 'apihost' | 'auth' | 'namespace';
/** Each setting's option, environment variable and wskprops key. */
const SOURCE_NAMES: Record<Field, [keyof OptionNames, string, string]> = {
  apihost: ['apihost', '__OW_API_HOST', 'APIHOST'],
  auth: ['apiKey', '__OW_API_KEY', 'AUTH'],
  namespace: ['namespace', '__OW_NAMESPACE', 'NAMESPACE'],
};

/**
 * Resolves the OpenWhisk connection, setting by setting: explicit option, then `__OW_API_HOST` /
 * `__OW_API_KEY` / `__OW_NAMESPACE`, then the wsk CLI's properties file (`WSK_CONFIG_FILE`, default
 * `~/.wskprops`; keys `APIHOST`, `AUTH`, `NAMESPACE`). When neither an API host nor a key is found
 * anywhere, the answer is the embedded controller (unless `target` is `remote`). Empty strings count as
 * unset. Throws {@link ConfigError} naming what is missing or malformed.
 */
export function resolveConfig(options: ConnectionOptions, environment: ConfigEnvironment): ResolvedConfig {
  const target = options.target ?? 'auto';
  if (!['auto', 'remote', 'local'].includes(target)) {
    throw new ConfigError(`target must be 'auto', 'remote' or 'local', got ${JSON.stringify(target)}`);
  }
  const names = options.optionNames ?? LIBRARY_OPTIONS;
  const wskpropsPath = nonEmpty(environment.env['WSK_CONFIG_FILE']) ?? join(environment.homedir, '.wskprops');
  const from = (field: Field, source: ConfigSource | undefined): string =>
    describeSource(field, source, wskpropsPath, names);
  if (target === 'local') return { kind: 'local', reason: 'requested', wskpropsPath };

  const fileText = environment.readFile(wskpropsPath);
  const props = fileText === undefined ? new Map<string, string>() : parseWskprops(fileText);
  const pick = (
    field: 'apihost' | 'auth' | 'namespace',
    option: string | undefined,
  ): { value: string; source: FoundSource } | undefined => {
    const [, envName, propName] = SOURCE_NAMES[field];
    const candidates: [string | undefined, FoundSource][] = [
      [option, 'options'],
      [environment.env[envName], 'environment'],
      [props.get(propName), 'wskprops'],
    ];
    for (const [value, source] of candidates) {
      const v = nonEmpty(value);
      if (v !== undefined) return { value: v, source };
    }
    return undefined;
  };

  const apihost = pick('apihost', options.apihost);
  const auth = pick('auth', options.apiKey);
  const namespace = pick('namespace', options.namespace) ?? { value: '_', source: 'default' as const };

  // The key is offered through the environment or the file first: a key on a command line is shown by
  // `ps` and by npm's banner.
  if (apihost === undefined && auth === undefined) {
    if (target === 'remote') {
      throw new ConfigError(
        `no OpenWhisk configured: set __OW_API_HOST and __OW_API_KEY, put APIHOST and AUTH in ` +
          `${wskpropsPath}, or pass ${names.apihost} and ${names.apiKey}`,
      );
    }
    return { kind: 'local', reason: 'unconfigured', wskpropsPath };
  }
  if (apihost === undefined) {
    throw new ConfigError(
      `OpenWhisk API host missing: an API key came from ${from('auth', auth?.source)}, but no API host ` +
        `was given: set __OW_API_HOST, put APIHOST in ${wskpropsPath}, or pass ${names.apihost}`,
    );
  }
  if (auth === undefined) {
    throw new ConfigError(
      `OpenWhisk API key missing: the API host came from ${from('apihost', apihost.source)}, but no key ` +
        `was given: set __OW_API_KEY, put AUTH in ${wskpropsPath}, or pass ${names.apiKey}`,
    );
  }
  return {
    kind: 'remote',
    apihost: normalizeApihost(apihost.value, from('apihost', apihost.source)),
    auth: new Secret(auth.value),
    namespace: namespace.value,
    sources: { apihost: apihost.source, auth: auth.source, namespace: namespace.source },
    wskpropsPath,
  };
}

/** The real environment: `process.env`, the user's home directory and the file system. */
export function processEnvironment(): ConfigEnvironment {
  return { env: process.env, homedir: homedir(), readFile: readOptionalFile };
}

/**
 * One line saying which OpenWhisk is used and where that came from, without the key. `names`: as in
 * {@link ConnectionOptions.optionNames}.
 */
export function describeConfig(config: ResolvedConfig, names: OptionNames = LIBRARY_OPTIONS): string {
  if (config.kind === 'local') {
    return config.reason === 'requested'
      ? 'embedded controller (requested)'
      : `embedded controller (no __OW_API_HOST/__OW_API_KEY, options or ${config.wskpropsPath})`;
  }
  return (
    `${maskUrl(config.apihost)} namespace ${config.namespace} ` +
    `(from ${describeSource('apihost', config.sources.apihost, config.wskpropsPath, names)})`
  );
}

/**
 * Adds `https://` when the host has no scheme, as the openwhisk SDK and wsk CLI do, and drops trailing
 * slashes. Only http and https are accepted.
 */
export function normalizeApihost(value: string, origin = 'apihost'): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${origin} is not a valid host or URL: ${JSON.stringify(maskUrl(value))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${origin} must be an http or https URL, got ${JSON.stringify(url.protocol)}`);
  }
  return withScheme.replace(/\/+$/, '');
}

function describeSource(field: Field, source: ConfigSource | undefined, path: string, names: OptionNames) {
  const [option, envName, propName] = SOURCE_NAMES[field];
  switch (source) {
    case 'options':
      return names[option];
    case 'environment':
      return envName;
    case 'wskprops':
      return `${propName} in ${path}`;
    default:
      return 'the default';
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function readOptionalFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read OpenWhisk properties file ${path}: ${code ?? String(err)}`);
  }
}
