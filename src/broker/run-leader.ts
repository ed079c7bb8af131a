import { randomInt } from 'node:crypto';
import type { ActionFailure } from '../protocol/failure.js';
import { activationNonce } from '../protocol/credentials.js';
import { resolveDeadline, wallClockMs } from '../protocol/deadline.js';
import { LeaderMachine } from '../protocol/leader-machine.js';
import type { LeaderResult } from '../protocol/params.js';
import type { LeaderConfig, RunAccess } from '../protocol/validate.js';
import { cleanUp, cleanupBy } from './cleanup.js';
import { openChannel } from './connection.js';
import { drive } from './driver.js';
import { readEndRecord, writeEndRecord, type EndRecordAccess } from './end-record.js';
import { endRunAsFailed } from './failure-end.js';
import { BrokerError, reasonOf, settleBy } from './errors.js';
import { runNames } from './names.js';
import { queuePort } from './queue-port.js';
import { isAccessRefused, RunConflictError } from './run-conflict.js';
import { joinRunTopology } from './topology.js';

/** The leader's clock: wall-clock milliseconds with sub-millisecond resolution. */
const now = wallClockMs;

/**
 * Runs one leader activation against the broker: declares the run's topology, takes the leader's
 * queue as its only consumer (exclusive: a second leader of the run is refused by the broker and
 * fails with `LEADER_CONFLICT` without touching anything), drives the leader machine until every
 * slave is committed or abandoned (or time is up), publishes the end, leaves the sealed end as the
 * run's end record, and deletes the leader's queue and the log exchange.
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
  const access: EndRecordAccess = { names, runId: config.runId, signingKey: config.signingKey };
  let failure: ActionFailure | undefined;
  try {
    const opened = await openChannel(config.amqpUrl, deadline.stopWaitingAt);
    const { connection } = opened;
    let channel = opened.channel;
    // Only the leader that holds the queue acts for the run, and only it deletes the run's topology.
    const role = { owner: false };
    try {
      const joined = await settleBy(
        joinRunTopology(connection, channel, access, config.expiresMs),
        deadline.stopWaitingAt,
        "declaring the run's topology",
      );
      channel = joined.channel;
      if (joined.ended !== undefined) {
        throw new RunConflictError(
          'LEADER_CONFLICT',
          `run ${config.runId} already ended under another leader`,
        );
      }
      await drive({
        port: queuePort({
          connection,
          channel,
          names,
          queue: names.leaderQueue,
          runId: config.runId,
          signingKey: config.signingKey,
          prefetch: 256,
          consume: { exclusive: true },
          // The end record is written while the winner still holds the queue (see beforeClose), so a
          // leader that gets the queue after the winner let go finds it here, before it acts.
          consumed: async () => {
            const ended = await settleBy(
              readEndRecord(connection, access),
              deadline.stopWaitingAt,
              "reading the run's end record",
            );
            if (ended !== undefined) {
              throw new RunConflictError(
                'LEADER_CONFLICT',
                `run ${config.runId} already ended under another leader`,
              );
            }
          },
        }),
        machine,
        initial: () => {
          role.owner = true;
          return machine.start(now());
        },
        isDone: () => machine.outcome !== undefined,
        deadline,
        beforeClose: async () => {
          const sealed = machine.sealedEnd;
          if (sealed === undefined) return;
          await settleBy(
            writeEndRecord(connection, access, sealed, config.expiresMs),
            deadline.finishBy,
            "writing the run's end record",
          );
        },
      }).catch((error: unknown) => {
        if (!role.owner && isAccessRefused(error)) {
          throw new RunConflictError(
            'LEADER_CONFLICT',
            `another leader already acts for run ${config.runId}; this one did nothing`,
          );
        }
        throw error;
      });
    } finally {
      const owned = role.owner
        ? { queues: [names.leaderQueue], exchanges: [names.logExchange] }
        : { queues: [], exchanges: [] };
      await cleanUp(connection, channel, owned, cleanupBy(deadline));
    }
  } catch (error) {
    failure = failureOf(error, machine);
  }
  return result(config, machine, failure);
}

function failureOf(error: unknown, machine: LeaderMachine): ActionFailure {
  if (error instanceof RunConflictError) {
    return { error: `leader: ${error.message}`, code: error.code, dropped: machine.dropped };
  }
  const reason = error instanceof BrokerError ? error.message : reasonOf(error);
  return { error: `leader: ${reason} (${machine.progress()})`, code: 'BROKER', dropped: machine.dropped };
}

function result(config: LeaderConfig, machine: LeaderMachine, shellFailure: ActionFailure | undefined) {
  const outcome = machine.outcome;
  let failure = shellFailure;
  if (failure === undefined && outcome !== undefined && !outcome.complete) {
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

/** Longest time a refusing leader spends telling the run's slaves. */
const REFUSAL_MS = 10_000;

/**
 * A leader that refuses to run (a bad parameter) tells the slaves already waiting for it, so they fail
 * with `LEADER_FAILED` at once instead of at their deadline: if the run's leader queue exists, it ends
 * the run as failed ({@link endRunAsFailed}). With no slave waiting, nothing is created. Best effort
 * within {@link REFUSAL_MS}; never throws.
 */
export async function announceRefusal(access: RunAccess, reason: string, expiresMs: number): Promise<void> {
  const names = runNames(access.runId);
  const record: EndRecordAccess = { names, runId: access.runId, signingKey: access.signingKey };
  const by = wallClockMs() + REFUSAL_MS;
  try {
    const { connection, channel } = await openChannel(access.amqpUrl, by);
    await settleBy(
      endRunAsFailed(connection, channel, record, reason, { expiresMs, cleanupBy: by, onlyIfWaiting: true }),
      by,
      'telling the slaves that the leader refused',
    );
  } catch (error) {
    console.log(`whisk-sync leader run ${access.runId}: could not tell the slaves: ${reasonOf(error)}`);
  }
}
