/**
 * whisk-sync: mutual exclusion and one agreed list for Apache OpenWhisk actions over RabbitMQ.
 *
 * The package root holds what a user of the map client needs: the executor, one synchronized round,
 * the shipped actions' deployment and parameters, and the errors. The rest has its own entry point:
 * `whisk-sync/deploy` (manifests), `whisk-sync/localwhisk` (the embedded controller) and
 * `whisk-sync/history` (recorded runs, their checker and timeline).
 */

export { WhiskSyncError } from './errors.js';

// The map client.
export { FunctionExecutor, ResponseFuture } from './executor/index.js';
export type {
  ActivationFailureStatus,
  ActivationRecord,
  ActivationStats,
  Annotation,
  BackoffPolicy,
  CallOptions,
  Clock,
  ConfigEnvironment,
  ExecutorErrorCode,
  ExecutorStats,
  ExecutorTarget,
  FunctionExecutorOptions,
  FutureStatus,
  FutureWaitOptions,
  GetResultOptions,
  InvocationFailure,
  LocalWhiskHandle,
  MapOptions,
  PollPolicy,
  Progress,
  ProgressListener,
  ReturnWhen,
  StartLocalWhisk,
  TargetMode,
  WaitOptions,
  WaitResult,
  WhiskTransport,
} from './executor/index.js';
export {
  AbortedError,
  ActivationError,
  CapacityError,
  ConfigError,
  ExecutorClosedError,
  ExecutorError,
  ExecutorTimeoutError,
  InvocationError,
  TransportError,
} from './executor/index.js';

// whisk-sync's own actions: deployment and parameters.
export { deployBundledActions, type ClientSource } from './deploy/bundled.js';
export { DeployError } from './deploy/errors.js';
export type { DeployErrorCode } from './deploy/errors.js';
export type { DeployedAction, DeployOptions, DeployOutcome, DeployReport } from './deploy/deploy.js';
export type { WhiskClient, EntityName } from './deploy/whisk-client.js';
export {
  createRunCredentials,
  ParamError,
  DEFAULT_EXPIRES_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_SLAVES,
  MAX_VALUE,
} from './protocol/index.js';
export type {
  ActionFailure,
  FailureCode,
  LeaderParams,
  LeaderResult,
  RunCredentials,
  SlaveParams,
  SlaveResult,
} from './protocol/index.js';
export { APPEND_ROUTES, type AppendRoute } from './protocol/messages.js';

// One synchronized round of a leader and N slaves.
export { runRound, DEFAULT_LEADER_ACTION, DEFAULT_SLAVE_ACTION } from './run/round.js';
export type { RoundOptions } from './run/round.js';
export type { RoundReport, RoundTimings, SlaveFailure } from './run/report.js';
export { checkBroker } from './run/broker-check.js';
export { RunError } from './run/errors.js';
export type { RunErrorCode } from './run/errors.js';
export type { JsonValue } from './protocol/json-value.js';
export {
  abandonSlave,
  abandonSlaves,
  announceLeaderFailure,
  closeBrokerConnections,
  BrokerError,
  type AbandonOutcome,
  type FailureEndOutcome,
  type LeaderFailureOptions,
  type AbandonSlaveOptions,
  type AbandonSlavesOptions,
} from './broker/index.js';
export type { HistoryEvent } from './history/event.js';
