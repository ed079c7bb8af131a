/**
 * `whisk-sync/deploy`: wskdeploy manifests read and deployed through the `openwhisk` SDK, and the
 * manifest shipped with whisk-sync.
 */
export { bundledManifestPath, deployBundledActions, type ClientSource } from '../deploy/bundled.js';
export { deployManifest } from '../deploy/deploy.js';
export type { DeployedAction, DeployOptions, DeployOutcome, DeployReport } from '../deploy/deploy.js';
export { DeployError } from '../deploy/errors.js';
export type { DeployErrorCode } from '../deploy/errors.js';
export { loadManifest, parseManifest } from '../deploy/manifest.js';
export type {
  ActionLimits,
  Manifest,
  ManifestAction,
  ManifestPackage,
  ParseManifestOptions,
} from '../deploy/manifest.js';
export { NODEJS_RUNTIMES } from '../deploy/runtimes.js';
export { substituteVariables } from '../deploy/substitute.js';
export type { Environment, Substitution } from '../deploy/substitute.js';
export type { EntityName, WhiskClient } from '../deploy/whisk-client.js';
