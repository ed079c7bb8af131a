import { join } from 'node:path';

import { packageRoot } from '../package-root.cjs';
import { deployManifest, type DeployOptions, type DeployReport } from './deploy.js';
import { DeployError } from './errors.js';
import { loadManifest } from './manifest.js';
import type { WhiskClient } from './whisk-client.js';

/**
 * Absolute path of the manifest shipped with whisk-sync. It declares the package `whisk-sync` with the
 * actions `leader` and `slave`, whose code is in the package's `dist/` next to it.
 */
export function bundledManifestPath(): string {
  return join(packageRoot(), 'manifest.yaml');
}

/** What hands out a client to deploy with, such as a `FunctionExecutor` (its `ready()`). */
export interface ClientSource {
  ready(): Promise<{ readonly client: WhiskClient | undefined }>;
}

/**
 * Deploys whisk-sync's own actions (`whisk-sync/leader`, `whisk-sync/slave`) from the manifest and
 * bundles shipped in the package, wherever the caller's working directory is: what `wskdeploy -m
 * manifest.yaml` or `whisk-sync deploy` do. Throws `DeployError` like {@link deployManifest}, and
 * `DEPLOY_FAILED` for an executor that has no OpenWhisk client (one built on a custom transport).
 *
 * @param to a `FunctionExecutor` (deploys to the OpenWhisk it uses, the embedded controller included),
 *   or any `openwhisk` SDK client
 * @param options extra limits and the namespace; default none and the client's own
 */
export async function deployBundledActions(
  to: ClientSource | WhiskClient,
  options: DeployOptions = {},
): Promise<DeployReport> {
  const client = 'ready' in to ? (await to.ready()).client : to;
  if (client === undefined) {
    throw new DeployError('DEPLOY_FAILED', 'the executor has no OpenWhisk client to deploy with');
  }
  return deployManifest(client, loadManifest(bundledManifestPath()), options);
}
