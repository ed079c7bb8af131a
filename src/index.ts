/**
 * whisk-sync: mutual exclusion and one agreed list for Apache OpenWhisk actions over RabbitMQ,
 * a PyWren-style map client, and an embedded OpenWhisk-compatible controller.
 *
 * This is the package's one public export list.
 */

// The map client.
export * from './executor/index.js';

// One synchronized round of a leader and N slaves.
export { runRound, DEFAULT_LEADER_ACTION, DEFAULT_SLAVE_ACTION } from './run/round.js';
export type { RoundOptions } from './run/round.js';
export type { RoundReport, RoundTimings, SlaveFailure } from './run/report.js';
export { checkBroker } from './run/broker-check.js';
export { RunError, UsageError } from './run/errors.js';
export type { RunErrorCode } from './run/errors.js';

// Deployment from a wskdeploy manifest.
export * from './deploy/index.js';

// The embedded controller.
export {
  startLocalWhisk,
  randomAuth,
  LocalWhiskOptionError,
  type LocalWhisk,
  type LocalWhiskOptions,
  type LocalWhiskErrorCode,
  type ContainerInfo,
  type ActivationStatus,
} from './localwhisk/index.js';

// The protocol's parameters, limits and client-side controls.
export {
  createRunCredentials,
  validateLeaderParams,
  validateSlaveParams,
  ParamError,
  DEFAULT_EXPIRES_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_SLAVES,
  MAX_VALUE,
  type RunCredentials,
  type ActionFailure,
  type FailureCode,
  type LeaderParams,
  type LeaderResult,
  type SlaveParams,
  type SlaveResult,
} from './protocol/index.js';
export { APPEND_ROUTES, type AppendRoute } from './protocol/messages.js';
export type { JsonValue } from './protocol/json-value.js';
export {
  abandonSlave,
  closeBrokerConnections,
  BrokerError,
  type AbandonSlaveOptions,
} from './broker/index.js';

// Run histories: recording format, checker, timeline.
export type * from './history/event.js';
export { checkHistory, type CheckOptions } from './history/checker.js';
export {
  PROPERTIES,
  PROPERTY_STATEMENTS,
  type PropertyName,
  type CheckReport,
  type RunReport,
  type PropertyResult,
  type Violation,
} from './history/report.js';
export { formatReport, type FormatOptions } from './history/format-report.js';
export {
  parseHistory,
  formatHistory,
  readHistoryFile,
  writeHistoryFile,
  mergeHistories,
} from './history/jsonl.js';
export { HistoryFileError, HistoryFormatError, type HistoryErrorCode } from './history/errors.js';
export { renderTimeline, type TimelineOptions } from './plot/timeline.js';
