/**
 * `whisk-sync/deploy`: wskdeploy manifests read and deployed through the `openwhisk` SDK, and the
 * manifest shipped with whisk-sync. The export list is the deploy module's own.
 */
export * from '../deploy/index.js';
