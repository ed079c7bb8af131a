/**
 * `whisk-sync/action`: run your own code in a round's critical section from any OpenWhisk action.
 *
 *   import { joinRound } from 'whisk-sync/action';
 *   export async function main(params) {
 *     return joinRound(params, async ({ list, position, signal }) => computeValue(list));
 *   }
 */
export { joinRound } from './join-round.js';
export { GrantLostError, type SlaveCallback, type SlaveContext } from './critical-section.js';
export type { JsonValue } from '../protocol/json-value.js';
export { MAX_VALUE_BYTES, DEFAULT_LEASE_MS, DEFAULT_MAX_HOLD_MS } from '../protocol/limits.js';
export type { ActionFailure, FailureCode } from '../protocol/failure.js';
export type { SlaveParams, SlaveResult } from '../protocol/params.js';
export { closeBrokerConnections } from '../broker/connection.js';
