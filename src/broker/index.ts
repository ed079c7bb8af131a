/** The broker side of whisk-sync that a client needs to steer a run. */
export {
  abandonSlave,
  abandonSlaves,
  type AbandonOutcome,
  type AbandonSlaveOptions,
  type AbandonSlavesOptions,
} from './abandon.js';
export { closeBrokerConnections } from './connection.js';
export { announceLeaderFailure, type FailureEndOutcome, type LeaderFailureOptions } from './failure-end.js';
export { BrokerError } from './errors.js';
