import { join } from 'node:path';

import { packageRoot } from '../package-root.cjs';
import { deployManifest, type DeployOptions, type DeployReport } from './deploy.js';
import { loadManifest } from './manifest.js';
import type { WhiskClient } from './whisk-client.js';

/**
 * Absolute path of the manifest shipped with whisk-sync. It declares the package `whisk-sync` with the
 * actions `leader` and `slave`, whose code is in the package's `dist/` next to it.
 */
export function bundledManifestPath(): string {
  return join(packageRoot(), 'manifest.yaml');
}

/**
 * Deploys whisk-sync's own actions (`whisk-sync/leader`, `whisk-sync/slave`) from the manifest and
 * bundles shipped in the package, wherever the caller's working directory is: what `wskdeploy -m
 * manifest.yaml` or `whisk-sync deploy` do. Throws `DeployError` like {@link deployManifest}.
 *
 * @param client the executor's `(await fexec.ready()).client`, or any `openwhisk` SDK client
 * @param options extra limits and the namespace; default none and the client's own
 */
export async function deployBundledActions(
  client: WhiskClient,
  options: DeployOptions = {},
): Promise<DeployReport> {
  return deployManifest(client, loadManifest(bundledManifestPath()), options);
}
