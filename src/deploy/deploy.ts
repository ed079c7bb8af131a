import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

import { DeployError } from './errors.js';
import { describeNetworkFailure } from '../executor/classify.js';
import { maskUrl } from '../protocol/mask.js';
import type { ActionLimits, Manifest, ManifestAction } from './manifest.js';
import type { WhiskClient } from './whisk-client.js';

/** Options of {@link deployManifest}. */
export interface DeployOptions {
  /**
   * Limits set on every action on top of the manifest's, e.g. `{ concurrency: 200 }` for the embedded
   * controller, which honours container concurrency that a wskdeploy manifest cannot express.
   * Default: none.
   */
  readonly extraLimits?: ActionLimits;
  /** Namespace to deploy into. Default: the client's (`_`, the caller's own). */
  readonly namespace?: string;
  /**
   * The client's API host, named in the message when it cannot be reached (with the likely fix).
   * Default: the message names what the network error names.
   */
  readonly apihost?: string | undefined;
}

/** What happened to one entity. */
export type DeployOutcome = 'created' | 'updated';

/** One deployed action. */
export interface DeployedAction {
  /** Name to invoke, `package/action`. */
  readonly name: string;
  readonly kind: string;
  /** Size of the code sent. */
  readonly bytes: number;
  readonly limits: ActionLimits;
  readonly outcome: DeployOutcome;
}

/** Result of {@link deployManifest}. */
export interface DeployReport {
  readonly packages: readonly { readonly name: string; readonly outcome: DeployOutcome }[];
  readonly actions: readonly DeployedAction[];
}

/**
 * Creates or updates (`overwrite=true`) every package and action of a manifest through the SDK,
 * the way `wskdeploy` would. All code files are checked before anything is sent, so a missing
 * bundle changes nothing on the platform. Throws {@link DeployError}: `BUNDLE_MISSING` or
 * `DEPLOY_FAILED` (the platform refused; the message carries its answer).
 */
export async function deployManifest(
  client: WhiskClient,
  manifest: Manifest,
  options: DeployOptions = {},
): Promise<DeployReport> {
  const actions = manifest.packages.flatMap((pkg) => pkg.actions);
  // Every bundle is read before anything is deployed: a missing one changes nothing on the platform.
  const code = actions.map((action) => [action, readCode(action)] as const);
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };

  const packages: { name: string; outcome: DeployOutcome }[] = [];
  for (const pkg of manifest.packages) {
    if (pkg.name === undefined) continue;
    const name = pkg.name;
    const outcome = await upsert(
      options.apihost,
      `package ${name}`,
      () => client.packages.get({ name, ...namespace }),
      () =>
        client.packages.update({
          name,
          ...namespace,
          package: { parameters: keyValues(pkg.inputs), annotations: keyValues(pkg.annotations) },
        }),
    );
    packages.push({ name, outcome });
  }

  const deployed: DeployedAction[] = [];
  for (const [action, exec] of code) {
    const limits = { ...action.limits, ...options.extraLimits };
    const name = action.qualifiedName;
    const outcome = await upsert(
      options.apihost,
      `action ${name}`,
      () => client.actions.get({ name, ...namespace }),
      () =>
        client.actions.update({
          name,
          ...namespace,
          action: {
            exec: {
              kind: action.runtime,
              ...exec.body,
              ...(action.main === undefined ? {} : { main: action.main }),
            },
            parameters: keyValues(action.inputs),
            annotations: keyValues(action.annotations),
            limits,
          },
        }),
    );
    deployed.push({ name, kind: action.runtime, bytes: exec.bytes, limits, outcome });
  }
  return { packages, actions: deployed };
}

function readCode(action: ManifestAction): { body: { code: string; binary: boolean }; bytes: number } {
  if (!existsSync(action.functionPath)) {
    const shown = relative(process.cwd(), action.functionPath) || action.functionPath;
    throw new DeployError(
      'BUNDLE_MISSING',
      `code of action ${action.qualifiedName} not found at ${shown}: run npm run build`,
    );
  }
  const bytes = readFileSync(action.functionPath);
  // Archives travel base64-encoded with `binary: true`; plain code as text.
  const binary = action.functionPath.endsWith('.zip');
  return {
    body: { code: binary ? bytes.toString('base64') : bytes.toString('utf8'), binary },
    bytes: bytes.length,
  };
}

function keyValues(dict: Readonly<Record<string, unknown>>): { key: string; value: unknown }[] {
  return Object.entries(dict).map(([key, value]) => ({ key, value }));
}

/** Looks the entity up (a 404 means it is new), then writes it with `overwrite=true`. */
async function upsert(
  apihost: string | undefined,
  what: string,
  get: () => Promise<unknown>,
  update: () => Promise<unknown>,
): Promise<DeployOutcome> {
  let outcome: DeployOutcome = 'updated';
  try {
    await get();
  } catch (error) {
    if (statusCode(error) !== 404) throw failure(`looking up ${what}`, error, apihost);
    outcome = 'created';
  }
  try {
    await update();
  } catch (error) {
    throw failure(`deploying ${what}`, error, apihost);
  }
  return outcome;
}

function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

function failure(what: string, error: unknown, apihost: string | undefined): DeployError {
  const message = error instanceof Error ? error.message : String(error);
  const reason =
    statusCode(error) === undefined
      ? (describeNetworkFailure(message, apihost === undefined ? undefined : maskUrl(apihost)) ?? message)
      : message;
  return new DeployError('DEPLOY_FAILED', `${what} failed: ${reason.split('\n')[0] ?? reason}`, {
    cause: error,
  });
}
