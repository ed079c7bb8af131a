/**
 * `whisk-sync/localwhisk`: the embedded OpenWhisk-compatible controller, which runs Node.js actions in
 * local container processes and answers the `openwhisk` SDK like a real OpenWhisk.
 */
export {
  startLocalWhisk,
  randomAuth,
  LocalWhiskOptionError,
  type ActivationRecord,
  type ActivationStatus,
  type ContainerInfo,
  type LocalWhisk,
  type LocalWhiskErrorCode,
  type LocalWhiskOptions,
} from '../localwhisk/index.js';
