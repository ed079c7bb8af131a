/**
 * `whisk-sync/action`: run your own code in a round's critical section from any OpenWhisk action.
 *
 *   import { joinRound } from 'whisk-sync/action';
 *   export async function main(params) {
 *     return joinRound(params, async ({ list, position, signal }) => computeValue(list));
 *   }
 */
export {
  joinRound,
  GrantLostError,
  MAX_VALUE_BYTES,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_HOLD_MS,
  closeBrokerConnections,
  type SlaveCallback,
  type SlaveContext,
  type JsonValue,
  type ActionFailure,
  type FailureCode,
  type SlaveParams,
  type SlaveResult,
} from '../action/index.js';
