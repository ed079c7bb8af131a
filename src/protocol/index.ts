/** The protocol core: pure state machines, messages, signing, validation and the documented limits. */
export { createRunCredentials, type RunCredentials } from './credentials.js';
export { ParamError, type ActionFailure, type FailureCode } from './failure.js';
export { LeaderMachine, type LeaderMachineConfig, type LeaderOutcome } from './leader-machine.js';
export {
  DEFAULT_EXPIRES_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_SLAVES,
  MAX_VALUE,
  PARAM_RANGES,
  type Range,
} from './limits.js';
export { maskUrl } from './mask.js';
export type { LeaderParams, LeaderResult, SlaveParams, SlaveResult } from './params.js';
export { SlaveMachine, type SlaveMachineConfig, type SlaveOutcome } from './slave-machine.js';
export {
  validateLeaderParams,
  validateSlaveParams,
  type LeaderConfig,
  type SlaveConfig,
} from './validate.js';
