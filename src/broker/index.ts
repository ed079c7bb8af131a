/** The broker side of whisk-sync: what the actions run, and what a client needs to steer a run. */
export { abandonSlave, type AbandonSlaveOptions } from './abandon.js';
export { closeBrokerConnections } from './connection.js';
export { BrokerError } from './errors.js';
export { belongsToRun, NAME_PREFIX, runNames, type RunNames } from './names.js';
export { runLeader } from './run-leader.js';
export { runSlave } from './run-slave.js';
