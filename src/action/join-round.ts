import { runSlave } from '../broker/run-slave.js';
import { ParamError, type ActionFailure } from '../protocol/failure.js';
import type { SlaveResult } from '../protocol/params.js';
import { validateSlaveParams } from '../protocol/validate.js';
import type { SlaveCallback } from './critical-section.js';

/**
 * Joins the round its parameters name (`id`, `n`, `runId`, `amqpUrl`, `signingKey`, … as the client
 * or `whisk-sync map` passes them) as slave `id`, runs `callback` while this activation holds the
 * write permission, appends the JSON value it returns, and resolves to the agreed list once the
 * leader ends the run: `{id, value, list, position, missing, dropped, …}`, identical `list` in every
 * slave. Every failure resolves to `{error, code}` (an OpenWhisk application error); it never throws
 * for bad parameters or broker trouble.
 *
 * The callback runs at most once per grant, only while the grant is held: the activation renews its
 * lease while it is alive, up to the leader's maximum hold time (`maxHoldMs`, default 30 s); a paused
 * or dead activation stops renewing and is revoked within one lease (`leaseMs`, default 5 s), and a
 * value returned after that is fenced. A throw releases the grant at once: the slave returns
 * `code: 'CALLBACK_FAILED'` and the run goes on without it.
 *
 * @param params - the action's parameters; extra keys (the client's `slaveParams`) are ignored here
 * @param callback - the code of the critical section, see {@link SlaveCallback}
 * @param env - the activation's environment; default `process.env` (`__OW_DEADLINE`, `__OW_ACTIVATION_ID`)
 */
export async function joinRound(
  params: unknown,
  callback: SlaveCallback,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<SlaveResult | ActionFailure> {
  if (typeof callback !== 'function') {
    return { error: 'slave: joinRound needs a callback function as its second argument', code: 'BAD_PARAM' };
  }
  let config;
  try {
    config = validateSlaveParams(params);
  } catch (error) {
    if (error instanceof ParamError) return { error: `slave: ${error.message}`, code: error.code };
    throw error;
  }
  return runSlave(config, env, callback);
}
