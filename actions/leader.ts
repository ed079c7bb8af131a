/**
 * OpenWhisk action `leader`: grants write permission to one slave at a time and ends the run with
 * the agreed list. Returns `{}` on a complete run (with `history` when asked), else `{error, code}`.
 */
import { announceRefusal, runLeader } from '../src/broker/run-leader.js';
import { ParamError, type ActionFailure } from '../src/protocol/failure.js';
import { DEFAULT_EXPIRES_MS, PARAM_RANGES } from '../src/protocol/limits.js';
import type { LeaderResult } from '../src/protocol/params.js';
import { validateLeaderParams, validateRunAccess } from '../src/protocol/validate.js';

export { closeBrokerConnections } from '../src/broker/connection.js';

export async function main(params: unknown): Promise<LeaderResult | ActionFailure> {
  let config;
  try {
    config = validateLeaderParams(params);
  } catch (error) {
    if (!(error instanceof ParamError)) throw error;
    await tellSlaves(params, error.message);
    return { error: `leader: ${error.message}`, code: error.code };
  }
  return runLeader(config, process.env);
}

/** When the run can still be reached (its access parameters are fine), slaves waiting for this leader learn that it refused. */
async function tellSlaves(params: unknown, reason: string): Promise<void> {
  let access;
  try {
    access = validateRunAccess(params);
  } catch {
    return;
  }
  const given = (params as { expiresMs?: unknown }).expiresMs;
  const { min, max } = PARAM_RANGES.expiresMs;
  const expiresMs =
    typeof given === 'number' && Number.isInteger(given) && given >= min && given <= max
      ? given
      : DEFAULT_EXPIRES_MS;
  await announceRefusal(access, `leader refused to run: ${reason}`, expiresMs);
}
