import { setMaxListeners } from 'node:events';

import type { FunctionExecutor } from '../executor/executor.js';
import type { ResponseFuture } from '../executor/future.js';
import type { HistoryEvent } from '../history/event.js';
import { mergeHistories } from '../history/jsonl.js';
import { wallClockMs } from '../protocol/deadline.js';
import { ActivationError } from '../executor/errors.js';
import {
  DEFAULT_EXPIRES_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_TIMEOUT_MS,
  MIN_LEADER_SILENCE_MS,
  PARAM_RANGES,
  SILENT_HEARTBEATS,
} from '../protocol/limits.js';
import type { LeaderParams, LeaderResult, SlaveParams, SlaveResult } from '../protocol/params.js';
import type { AppendRoute } from '../protocol/messages.js';
import { ClientEvents } from './client-events.js';
import {
  collectSlave,
  failureCode,
  historyOfFailure,
  oneLine,
  type CollectContext,
} from './collect-slave.js';
import { defaultCoordination, type RunCoordination } from './coordination.js';
import { judgeRound } from './judge-round.js';
import type { RoundReport } from './report.js';
import { slaveParamsProblem } from './slave-params.js';
import { measureRound } from './timings.js';

/** Default action names, as `manifest.yaml` deploys them. */
export const DEFAULT_LEADER_ACTION = 'whisk-sync/leader';
export const DEFAULT_SLAVE_ACTION = 'whisk-sync/slave';

/**
 * Time the client waits for results beyond the actions' own deadline: the platform's scheduling,
 * a cold start and the last poll.
 */
export const COLLECTION_GRACE_MS = 15_000;

/** Options of {@link runRound}. */
export interface RoundOptions {
  /** Invokes the actions; its target must already hold the deployed actions. */
  readonly executor: FunctionExecutor;
  /** Number of slaves. */
  readonly n: number;
  /** Broker URL handed to the actions. */
  readonly amqpUrl: string;
  /** Default {@link DEFAULT_LEADER_ACTION}. */
  readonly leaderAction?: string;
  /**
   * The slave action: the shipped {@link DEFAULT_SLAVE_ACTION} (values drawn from 0..1000, checked)
   * or any action built on `joinRound` from `whisk-sync/action` (any JSON values). Default
   * {@link DEFAULT_SLAVE_ACTION}.
   */
  readonly slaveAction?: string;
  /**
   * Extra parameters for every slave activation, next to the round's own (which they may not set:
   * see `RESERVED_SLAVE_PARAMS`). Default none.
   */
  readonly slaveParams?: Readonly<Record<string, unknown>>;
  /**
   * Deadline of each action, passed as `timeoutMs`; the client waits this plus
   * {@link COLLECTION_GRACE_MS}. Default: not passed (the actions use `__OW_DEADLINE`); the client
   * then waits the protocol's default of 60 s plus the grace.
   */
  readonly timeoutMs?: number;
  /**
   * How long the client waits for all results, from the start of the round. Default: `timeoutMs` (or
   * the protocol's default of 60 s) plus {@link COLLECTION_GRACE_MS}. Set it when the actions' own
   * time limit (the manifest's `timeout`) is what bounds them.
   */
  readonly waitMs?: number;
  /** Lease of one grant, passed to the leader. Default: the protocol's (5000). */
  readonly leaseMs?: number;
  /** Longest hold of one grant, renewals included, passed to the leader. Default: the protocol's (30000). */
  readonly maxHoldMs?: number;
  /**
   * Where slaves publish their appends, passed to the leader, which tells every slave. Default: the
   * protocol's, `'fanout'`.
   */
  readonly appendRoute?: AppendRoute;
  /**
   * How often a failed slave is invoked again with the same id before the leader is told to give up
   * on it. Default `0`.
   */
  readonly retries?: number;
  /** Put the merged history in the report. Default `false`. */
  readonly history?: boolean;
  /** Called with one line at each step worth telling a user (failures, retries). Default: none. */
  readonly onNote?: (line: string) => void;
  /** The client side of the protocol. Default: the broker adapter's. */
  readonly coordination?: RunCoordination;
}

/**
 * How long the client still waits for the slaves once it has ended the run in a failed leader's place:
 * a slave that had heard from the leader judges its silence within this long at the default heartbeat.
 */
const AFTER_FAILURE_END_MS = Math.max(MIN_LEADER_SILENCE_MS, SILENT_HEARTBEATS * DEFAULT_HEARTBEAT_MS);

/** Pause before an abandon that found no leader queue is sent again, while the leader runs. */
const ABANDON_RETRY_MS = 500;

/** Wall-clock milliseconds on the same scale as the actions' history times. */
const now = wallClockMs;

/**
 * Runs one synchronized round: checks that the leader and all N slaves can run at once, invokes the
 * leader and the N slaves, collects every result, re-invokes failed slaves up to `retries` times (same
 * id) or tells the leader to give up on them, waits for the leader, and judges the outcome. When the
 * leader's activation ends in failure, the client ends the run in its place (the coordination's
 * `announceLeaderFailure`), so slaves that never heard from it fail at once; it then waits at most
 * 8 s more for the slaves, invokes none again, and gives up the rest. When it cannot end the run (a
 * leader still consumes, or the client's wait for the leader timed out), it stops waiting at once.
 *
 * Throws only when the round cannot start or its invocations are refused (`CapacityError`,
 * `InvocationError`, `ConfigError`, a `TypeError` for a bad option); every failure during the round
 * is in the report.
 */
export async function runRound(options: RoundOptions): Promise<RoundReport> {
  const { executor, n, amqpUrl } = options;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new TypeError(`n must be a positive integer, got ${String(n)}`);
  const retries = options.retries ?? 0;
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new TypeError(`retries must be a non-negative integer, got ${String(retries)}`);
  }
  const userParams = checkSlaveParams(options.slaveParams);
  const note = options.onNote ?? (() => undefined);
  const coordination = options.coordination ?? defaultCoordination;
  const leaderAction = options.leaderAction ?? DEFAULT_LEADER_ACTION;
  const slaveAction = options.slaveAction ?? DEFAULT_SLAVE_ACTION;

  const t0 = now();
  await executor.checkCapacity(n + 1, `the leader and ${n} slave${n === 1 ? '' : 's'}`);
  const { runId, signingKey } = coordination.createRunCredentials();
  const deadline = t0 + (options.waitMs ?? (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + COLLECTION_GRACE_MS);
  const remaining = (): number => Math.max(1, deadline - now());
  const events = new ClientEvents(runId, now);
  const shared = {
    n,
    runId,
    amqpUrl,
    signingKey,
    // Always asked for: the timings come from it; the report carries it only on request.
    history: true,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };

  const leaderParams: LeaderParams = {
    ...shared,
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.maxHoldMs === undefined ? {} : { maxHoldMs: options.maxHoldMs }),
    ...(options.appendRoute === undefined ? {} : { appendRoute: options.appendRoute }),
  };
  const leader = await executor.callAsync<LeaderResult>(leaderAction, { ...leaderParams });
  events.invoked('leader', leader);
  const ids = Array.from({ length: n }, (_, id) => id);
  const slaveParams: Omit<SlaveParams, 'id'> = shared;
  const firstSlaves = await executor.map<SlaveResult>(
    slaveAction,
    ids.map((id) => ({ id })),
    { extraParams: { ...userParams, ...slaveParams } },
  );
  const tInvoked = now();
  firstSlaves.forEach((future, id) => {
    events.invoked('slave', future, id);
  });

  const allFutures: ResponseFuture<object>[] = [leader, ...firstSlaves];
  // A failed activation's error result still carries its history: without it the checker could not
  // see the revocations, fenced appends and incomplete ends that a fault produces.
  const failedHistory: HistoryEvent[] = [];
  let retried = 0;
  let leaderDone = false;
  let leaderGone = false;
  // An abandon creates nothing, so it reaches the leader only while the run's queue exists: from the
  // first party's start until the leader deletes it. A slave can fail before any party started (its
  // container died at once): while the leader still runs, an undelivered abandon is sent again.
  const tellLeader = async (id: number): Promise<void> => {
    for (;;) {
      const { delivered } = await coordination.abandonSlave({ amqpUrl, runId, signingKey, slave: id });
      if (delivered) return;
      if (leaderDone || remaining() <= ABANDON_RETRY_MS) {
        note(`slave ${id}: the run's leader queue is gone (the run is over, or its leader never started)`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, ABANDON_RETRY_MS));
    }
  };
  const leaderFailed = new AbortController();
  // Every slave's wait listens to it: one listener per slave is expected, not a leak.
  setMaxListeners(0, leaderFailed.signal);
  const context: CollectContext = {
    retries,
    remaining,
    stop: leaderFailed.signal,
    leaderFailed: () => leaderGone,
    events,
    note,
    retried: (future) => {
      retried++;
      allFutures.push(future);
    },
    failedHistory: (found) => failedHistory.push(...found),
    abandon: tellLeader,
  };

  // Whether the slaves that never heard from the failed leader were told: now, or by the run's end
  // record already there (a leader that refused its parameters leaves one).
  const endInLeadersPlace = async (error: ActivationError): Promise<boolean> => {
    if (coordination.announceLeaderFailure === undefined) return false;
    try {
      const outcome = await coordination.announceLeaderFailure({
        amqpUrl,
        runId,
        signingKey,
        reason: leaderFailureReason(error),
        expiresMs: Math.min(DEFAULT_EXPIRES_MS, Math.max(PARAM_RANGES.expiresMs.min, Math.ceil(remaining()))),
      });
      return outcome === 'announced' || outcome === 'ended';
    } catch (announceError) {
      note(`could not tell the slaves that the leader failed: ${oneLine(announceError)}`);
      return false;
    }
  };
  // Told of the failure, slaves that never heard from the leader end at once; the others end when
  // they judge its silence.
  let settleTimer: NodeJS.Timeout | undefined;
  const stopWaitingSoon = () => {
    settleTimer = setTimeout(() => {
      leaderFailed.abort();
    }, AFTER_FAILURE_END_MS);
  };
  const leaderOutcome = (async () => {
    try {
      const result = await leader.result({ timeoutMs: remaining() });
      events.ended('leader', leader);
      return { ok: true as const, result };
    } catch (error) {
      events.ended('leader', leader, undefined, error);
      failedHistory.push(...historyOfFailure(error));
      // An incomplete run was ended by the leader: its slaves have the end and return at once.
      // Any other failure leaves nobody to grant or end: the client ends the run in the leader's place
      // when its activation is over, or else stops waiting for slaves that would wait until their deadline.
      if (failureCode(error) === 'INCOMPLETE') {
        note(`leader failed: ${oneLine(error)}`);
        return { ok: false as const, error: oneLine(error) };
      }
      leaderGone = true;
      if (error instanceof ActivationError && (await endInLeadersPlace(error))) {
        note(`leader failed: ${oneLine(error)}; the slaves were told`);
        stopWaitingSoon();
      } else {
        note(`leader failed: ${oneLine(error)}; no longer waiting for the slaves`);
        leaderFailed.abort();
      }
      return { ok: false as const, error: oneLine(error) };
    } finally {
      // No abandon is sent again once the leader has returned.
      leaderDone = true;
    }
  })();
  // Every party has ended once every activation reached a final state: then nobody is left to read the
  // leader's end record. An activation the client stopped waiting for may still register later, and
  // the record is what tells it the run is over, so it is then left to expire.
  const clearRun = async (): Promise<void> => {
    const ended = allFutures.every((future) => future.status === 'success' || future.status === 'error');
    if (!ended || coordination.clearRun === undefined) return;
    try {
      await coordination.clearRun({ amqpUrl, runId });
    } catch (error) {
      note(`could not delete the run's end record (it expires by itself): ${oneLine(error)}`);
    }
  };
  const collected = await Promise.all(firstSlaves.map((future, id) => collectSlave(id, future, context)));
  const leaderResult = await leaderOutcome;
  clearTimeout(settleTimer);
  await clearRun();
  const tDone = now();

  const judged = judgeRound({
    n,
    leader: leaderResult.ok ? { ok: true } : leaderResult,
    slaves: collected,
    drawnValues: isShippedSlave(slaveAction),
  });
  const actionHistory = [
    ...(leaderResult.ok ? (leaderResult.result.history ?? []) : []),
    ...judged.slaves.flatMap((slave) => slave?.history ?? []),
    ...failedHistory,
  ];
  const history = mergeHistories(actionHistory, events.events);
  const timings = measureRound({ t0, tInvoked, tDone, futures: allFutures, history: actionHistory });

  return {
    runId,
    n,
    ...judged,
    leader: {
      ok: leaderResult.ok,
      ...(leader.activationId === undefined ? {} : { activationId: leader.activationId }),
      ...(leaderResult.ok ? {} : { error: leaderResult.error }),
    },
    retried,
    timings,
    elapsedMs: Math.round(tDone - t0),
    ...(options.history === true ? { history } : {}),
  };
}

/** What the slaves are told of a leader activation that failed: its id, status and error line. */
function leaderFailureReason(error: ActivationError): string {
  const said = error.result.error;
  const line = typeof said === 'string' ? `: ${oneLine(said)}` : '';
  return `leader activation ${error.activationId} ended in failure (${error.status})${line}`;
}

/** Whether `action` names the shipped slave (any package): its values are drawn from 0..1000. */
export function isShippedSlave(action: string): boolean {
  return action === DEFAULT_SLAVE_ACTION;
}

/** A copy of the user's slave parameters; a TypeError for a non-object or a reserved key. */
function checkSlaveParams(params: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (params === undefined) return {};
  const problem = slaveParamsProblem(params);
  if (problem !== undefined) throw new TypeError(`slaveParams: ${problem}`);
  return { ...params };
}
