import { randomInt } from 'node:crypto';
import type { ActionFailure } from '../protocol/failure.js';
import { activationNonce } from '../protocol/credentials.js';
import { resolveDeadline, wallClockMs } from '../protocol/deadline.js';
import { LeaderMachine } from '../protocol/leader-machine.js';
import type { LeaderResult } from '../protocol/params.js';
import type { LeaderConfig } from '../protocol/validate.js';
import { cleanUp, cleanupBudget } from './cleanup.js';
import { openChannel } from './connection.js';
import { drive } from './driver.js';
import { BrokerError, reasonOf, within } from './errors.js';
import { runNames } from './names.js';
import { declareRunTopology } from './topology.js';

/** The leader's clock: wall-clock milliseconds with sub-millisecond resolution. */
const now = wallClockMs;

/**
 * Runs one leader activation against the broker: declares the run's topology, drives the leader
 * machine until every slave is committed or abandoned (or time is up), publishes the end, and
 * deletes the leader's queue and the log exchange.
 *
 * @param env - the activation's environment (`__OW_DEADLINE`, `__OW_ACTIVATION_ID`)
 */
export async function runLeader(
  config: LeaderConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LeaderResult | ActionFailure> {
  const started = now();
  // Two margins: the end message must reach slaves that started with the same deadline before they give up.
  const deadline = resolveDeadline(env, config.timeoutMs, started, 2);
  const activationId = env.__OW_ACTIVATION_ID;
  const machine = new LeaderMachine(
    {
      runId: config.runId,
      n: config.n,
      epoch: activationNonce(),
      leaseMs: config.leaseMs,
      maxHoldMs: config.maxHoldMs,
      heartbeatMs: config.heartbeatMs,
      endBy: deadline.stopWaitingAt,
      appendRoute: config.appendRoute,
      ...(activationId === undefined ? {} : { activationId }),
    },
    (bound) => randomInt(bound),
  );
  const names = runNames(config.runId);
  let failure: string | undefined;
  try {
    const opened = await openChannel(config.amqpUrl, deadline.stopWaitingAt - started);
    const { connection } = opened;
    let channel = opened.channel;
    try {
      channel = await within(
        declareRunTopology(connection, channel, names, config.expiresMs),
        deadline.stopWaitingAt - now(),
        "declaring the run's topology",
      );
      await drive({
        connection,
        channel,
        names,
        queue: names.leaderQueue,
        runId: config.runId,
        signingKey: config.signingKey,
        machine,
        initial: () => machine.start(now()),
        isDone: () => machine.outcome !== undefined,
        prefetch: 256,
        now,
      });
    } finally {
      await cleanUp(
        channel,
        { queues: [names.leaderQueue], exchanges: [names.logExchange] },
        cleanupBudget(deadline.at),
      );
    }
  } catch (error) {
    failure = `leader: ${error instanceof BrokerError ? error.message : reasonOf(error)} (${machine.progress()})`;
  }
  return result(config, machine, failure);
}

function result(config: LeaderConfig, machine: LeaderMachine, brokerFailure: string | undefined) {
  const outcome = machine.outcome;
  let failure: ActionFailure | undefined;
  if (brokerFailure !== undefined) {
    failure = { error: brokerFailure, code: 'BROKER', dropped: machine.dropped };
  } else if (outcome !== undefined && !outcome.complete) {
    const missing = outcome.missing.map((m) => `${m.slave} (${m.why})`).join(', ');
    failure = {
      error:
        `leader: the run ended incomplete, ${outcome.list.length} of ${config.n} committed; ` +
        `missing slaves: ${missing}`,
      code: 'INCOMPLETE',
      missing: outcome.missing.map((m) => m.slave),
      dropped: machine.dropped,
    };
  }
  machine.recordReturn(now(), failure === undefined, failure?.error);
  console.log(
    `whisk-sync leader run ${config.runId}: ${failure === undefined ? 'complete' : failure.code}; ` +
      `${machine.progress()}; ${machine.dropped} dropped`,
  );
  const history = config.history ? { history: machine.history } : {};
  return failure === undefined ? history : { ...failure, ...history };
}
