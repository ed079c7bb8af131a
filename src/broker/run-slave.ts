import { CriticalSection, type SlaveCallback } from '../action/critical-section.js';
import { activationNonce } from '../protocol/credentials.js';
import { resolveDeadline, wallClockMs } from '../protocol/deadline.js';
import type { ActionFailure } from '../protocol/failure.js';
import type { SlaveResult } from '../protocol/params.js';
import type { Entry } from '../protocol/messages.js';
import { SlaveMachine } from '../protocol/slave-machine.js';
import type { SlaveConfig } from '../protocol/validate.js';
import { cleanupBy } from './cleanup.js';
import { drive } from './driver.js';
import { BrokerError, reasonOf } from './errors.js';
import { RunConflictError } from './run-conflict.js';
import { RunInbox } from './run-inbox.js';

const now = wallClockMs;

/**
 * Runs one slave activation against the broker: joins its process's inbox of the run (declared with
 * the run's topology and bound to the log before the request goes out, so no answer can be lost),
 * drives the slave machine until the leader's end (or a failure) — running `callback` while it holds
 * the grant — and leaves the inbox; the last activation of the run in the process deletes it.
 *
 * @param env - the activation's environment (`__OW_DEADLINE`, `__OW_ACTIVATION_ID`)
 * @param callback - computes the value to append, see {@link SlaveCallback}
 */
export async function runSlave(
  config: SlaveConfig,
  env: Readonly<Record<string, string | undefined>>,
  callback: SlaveCallback,
): Promise<SlaveResult | ActionFailure> {
  const started = now();
  const deadline = resolveDeadline(env, config.timeoutMs, started);
  const activationId = env.__OW_ACTIVATION_ID;
  const nonce = activationNonce();
  // The request names the inbox, known once joined.
  const newMachine = (box: string | undefined, digest?: (entries: readonly Entry[]) => string) =>
    new SlaveMachine({
      runId: config.runId,
      id: config.id,
      nonce,
      giveUpAt: deadline.stopWaitingAt,
      appendRoute: config.appendRoute,
      ...(digest === undefined ? {} : { digest }),
      ...(box === undefined ? {} : { box }),
      ...(activationId === undefined ? {} : { activationId }),
    });
  let brokerFailure: string | undefined;
  let conflict: RunConflictError | undefined;
  const counts = { received: 0, appendsSeen: 0 };
  let machine: SlaveMachine | undefined;
  try {
    const inbox = await RunInbox.join(
      {
        amqpUrl: config.amqpUrl,
        runId: config.runId,
        signingKey: config.signingKey,
        expiresMs: config.expiresMs,
      },
      deadline.stopWaitingAt,
    );
    const slave = newMachine(inbox.box, inbox.listDigest);
    machine = slave;
    const section = new CriticalSection(
      slave,
      callback,
      { id: config.id, n: config.n, runId: config.runId },
      now,
    );
    try {
      await drive({
        port: inbox.port({ slave: config.id, nonce, counts }),
        machine: section.driven,
        initial: () => slave.start(now()),
        isDone: () => slave.outcome !== undefined,
        deadline,
        attach: section.attach,
      });
    } finally {
      const outcome = slave.outcome;
      section.stop(outcome?.ok === false ? outcome.error : `slave ${config.id}: the activation is ending`);
      await inbox.leave(cleanupBy(deadline));
    }
  } catch (error) {
    if (error instanceof RunConflictError) conflict = error;
    const reason = error instanceof BrokerError ? error.message : reasonOf(error);
    const waiting = machine?.waitingFor() ?? 'before sending the write request';
    brokerFailure = `slave ${config.id}: ${reason} (${waiting})`;
  }
  // Without an inbox there is no box to name; a machine still records the return for the history.
  machine ??= newMachine(undefined);
  const outcome = machine.outcome;
  const dropped = machine.dropped;
  let answer: SlaveResult | ActionFailure;
  if (conflict !== undefined) {
    answer = { error: `slave ${config.id}: ${conflict.message}`, code: conflict.code, dropped };
  } else if (brokerFailure !== undefined || outcome === undefined) {
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
      appendsSeen: counts.appendsSeen,
      received: counts.received,
    };
  }
  machine.recordReturn(now(), brokerFailure);
  if ('error' in answer)
    console.log(`whisk-sync slave ${config.id} run ${config.runId}: ${answer.code}: ${answer.error}`);
  return config.history ? { ...answer, history: machine.history } : answer;
}
