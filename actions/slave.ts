/**
 * OpenWhisk action `slave`: draws a value in 0..1000, appends it when the leader grants permission,
 * and returns the agreed list `{id, value, list, position, missing, dropped}`, else `{error, code}`.
 */
import { runSlave } from '../src/broker/run-slave.js';
import { ParamError, type ActionFailure } from '../src/protocol/failure.js';
import type { SlaveResult } from '../src/protocol/params.js';
import { validateSlaveParams } from '../src/protocol/validate.js';

export { closeBrokerConnections } from '../src/broker/connection.js';

export async function main(params: unknown): Promise<SlaveResult | ActionFailure> {
  let config;
  try {
    config = validateSlaveParams(params);
  } catch (error) {
    if (error instanceof ParamError) return { error: `slave: ${error.message}`, code: error.code };
    throw error;
  }
  return runSlave(config, process.env);
}
