export { bundledManifestPath, deployBundledActions, type ClientSource } from './bundled.js';
export { deployManifest } from './deploy.js';
export type { DeployedAction, DeployOptions, DeployOutcome, DeployReport } from './deploy.js';
export { DeployError } from './errors.js';
export type { DeployErrorCode } from './errors.js';
export { loadManifest, parseManifest } from './manifest.js';
export type {
  ActionLimits,
  Manifest,
  ManifestAction,
  ManifestPackage,
  ParseManifestOptions,
} from './manifest.js';
export { NODEJS_RUNTIMES } from './runtimes.js';
export { substituteVariables } from './substitute.js';
export type { Environment, Substitution } from './substitute.js';
export type { EntityName, WhiskClient } from './whisk-client.js';
