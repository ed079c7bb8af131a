/**
 * OpenWhisk action `leader`: grants write permission to one slave at a time and ends the run with
 * the agreed list. Returns `{}` on a complete run (with `history` when asked), else `{error, code}`.
 */
import { runLeader } from '../src/broker/run-leader.js';
import { ParamError, type ActionFailure } from '../src/protocol/failure.js';
import type { LeaderResult } from '../src/protocol/params.js';
import { validateLeaderParams } from '../src/protocol/validate.js';

export { closeBrokerConnections } from '../src/broker/connection.js';

export async function main(params: unknown): Promise<LeaderResult | ActionFailure> {
  let config;
  try {
    config = validateLeaderParams(params);
  } catch (error) {
    if (error instanceof ParamError) return { error: `leader: ${error.message}`, code: error.code };
    throw error;
  }
  return runLeader(config, process.env);
}
