import { randomInt } from 'node:crypto';
import { activationNonce } from '../protocol/credentials.js';
import { resolveDeadline } from '../protocol/deadline.js';
import type { ActionFailure } from '../protocol/failure.js';
import { MAX_VALUE } from '../protocol/limits.js';
import type { SlaveResult } from '../protocol/params.js';
import { SlaveMachine } from '../protocol/slave-machine.js';
import type { SlaveConfig } from '../protocol/validate.js';
import { cleanUp, cleanupBudget } from './cleanup.js';
import { openChannel } from './connection.js';
import { drive } from './driver.js';
import { BrokerError, reasonOf } from './errors.js';
import { runNames } from './names.js';
import { declareInbox, declareRunTopology } from './topology.js';

const now = (): number => performance.timeOrigin + performance.now();

/**
 * Runs one slave activation against the broker: declares the run's shared topology and its own inbox
 * (bound to the log before the request goes out, so no answer can be lost), drives the slave machine
 * until the leader's end (or a failure), and deletes its inbox.
 *
 * @param env - the activation's environment (`__OW_DEADLINE`, `__OW_ACTIVATION_ID`)
 */
export async function runSlave(
  config: SlaveConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<SlaveResult | ActionFailure> {
  const started = now();
  const deadline = resolveDeadline(env, config.timeoutMs, started);
  const activationId = env.__OW_ACTIVATION_ID;
  const nonce = activationNonce();
  const machine = new SlaveMachine({
    runId: config.runId,
    id: config.id,
    nonce,
    value: randomInt(0, MAX_VALUE + 1),
    giveUpAt: deadline.stopWaitingAt,
    appendRoute: config.appendRoute,
    ...(activationId === undefined ? {} : { activationId }),
  });
  const names = runNames(config.runId);
  const inbox = names.slaveInbox(config.id, nonce);
  let brokerFailure: string | undefined;
  const counts = { received: 0, published: 0 };
  try {
    const { channel, connection } = await openChannel(config.amqpUrl, deadline.stopWaitingAt - started);
    try {
      await declareRunTopology(connection, channel, names, config.expiresMs);
      await declareInbox(channel, names, inbox, config.expiresMs);
      await drive({
        connection,
        channel,
        names,
        queue: inbox,
        runId: config.runId,
        signingKey: config.signingKey,
        machine,
        initial: () => machine.start(now()),
        isDone: () => machine.outcome !== undefined,
        prefetch: 64,
        now,
        counts,
      });
    } finally {
      await cleanUp(channel, { queues: [inbox], exchanges: [] }, cleanupBudget(deadline.at));
    }
  } catch (error) {
    const reason = error instanceof BrokerError ? error.message : reasonOf(error);
    brokerFailure = `slave ${config.id}: ${reason} (${machine.waitingFor()})`;
  }
  const outcome = machine.outcome;
  const dropped = machine.dropped;
  let answer: SlaveResult | ActionFailure;
  if (brokerFailure !== undefined || outcome === undefined) {
    answer = { error: brokerFailure ?? `slave ${config.id}: no outcome`, code: 'BROKER', dropped };
  } else if (!outcome.ok) {
    answer = { error: outcome.error, code: outcome.code, dropped };
  } else {
    const { value, list, position, missing } = outcome;
    answer = {
      id: config.id,
      value,
      list: list.map(([, v]) => v),
      position,
      missing: [...missing],
      dropped,
      appendsSeen: machine.appendsSeen,
      received: counts.received,
    };
  }
  machine.recordReturn(now(), brokerFailure);
  if ('error' in answer)
    console.log(`whisk-sync slave ${config.id} run ${config.runId}: ${answer.code}: ${answer.error}`);
  return config.history ? { ...answer, history: machine.history } : answer;
}
