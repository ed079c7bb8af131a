import { ActivationError, ExecutorTimeoutError } from '../executor/errors.js';
import type { FunctionExecutor } from '../executor/executor.js';
import type { ResponseFuture } from '../executor/future.js';
import type { EndEvent, HistoryEvent, InvokeEvent } from '../history/event.js';
import { mergeHistories } from '../history/jsonl.js';
import { wallClockMs } from '../protocol/deadline.js';
import { DEFAULT_TIMEOUT_MS, isValidValue, MAX_VALUE } from '../protocol/limits.js';
import type { LeaderParams, LeaderResult, SlaveParams, SlaveResult } from '../protocol/params.js';
import type { AppendRoute } from '../protocol/messages.js';
import { defaultCoordination, type RunCoordination } from './coordination.js';
import type { RoundReport, RoundTimings, SlaveFailure } from './report.js';

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
  /** Default {@link DEFAULT_SLAVE_ACTION}. */
  readonly slaveAction?: string;
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
  /** Lease of one grant, passed to the leader. Default: the protocol's. */
  readonly leaseMs?: number;
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

/** Pause before an abandon that found no leader queue is sent again, while the leader runs. */
const ABANDON_RETRY_MS = 500;

/** Wall-clock milliseconds on the same scale as the actions' history times. */
const now = wallClockMs;

/**
 * Runs one synchronized round: checks that the leader and all N slaves can run at once, invokes the
 * leader and the N slaves, collects every result, re-invokes failed slaves up to `retries` times (same
 * id) or tells the leader to give up on them, waits for the leader, and judges the outcome.
 *
 * Throws only when the round cannot start or its invocations are refused (`CapacityError`,
 * `InvocationError`, `ConfigError`); every failure during the round is in the report.
 */
export async function runRound(options: RoundOptions): Promise<RoundReport> {
  const { executor, n, amqpUrl } = options;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new TypeError(`n must be a positive integer, got ${String(n)}`);
  const retries = options.retries ?? 0;
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new TypeError(`retries must be a non-negative integer, got ${String(retries)}`);
  }
  const note = options.onNote ?? (() => undefined);
  const coordination = options.coordination ?? defaultCoordination;
  const leaderAction = options.leaderAction ?? DEFAULT_LEADER_ACTION;
  const slaveAction = options.slaveAction ?? DEFAULT_SLAVE_ACTION;

  const t0 = now();
  await executor.checkCapacity(n + 1, `the leader and ${n} slave${n === 1 ? '' : 's'}`);
  const { runId, signingKey } = coordination.createRunCredentials();
  const deadline = t0 + (options.waitMs ?? (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + COLLECTION_GRACE_MS);
  const remaining = (): number => Math.max(1, deadline - now());
  const clientEvents: HistoryEvent[] = [];
  const shared = {
    n,
    runId,
    amqpUrl,
    signingKey,
    // Always asked for: the timings come from it; the report carries it only on request.
    history: true,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const invoked = (role: 'leader' | 'slave', future: ResponseFuture<object>, slave?: number): void => {
    const event: InvokeEvent = {
      type: 'invoke',
      actor: 'client',
      role,
      runId,
      t: now(),
      step: clientEvents.length,
      ...(slave === undefined ? {} : { slave }),
      ...(future.activationId === undefined ? {} : { activationId: future.activationId }),
    };
    clientEvents.push(event);
  };
  /** `error` is what the wait threw: a timed-out wait sets no error on the future, so read it here. */
  const ended = (
    role: 'leader' | 'slave',
    future: ResponseFuture<object>,
    slave?: number,
    error?: unknown,
  ): void => {
    const event: EndEvent = {
      type: 'end',
      actor: 'client',
      role,
      runId,
      t: now(),
      step: clientEvents.length,
      status: endStatus(error),
      ...(slave === undefined ? {} : { slave }),
      ...(future.activationId === undefined ? {} : { activationId: future.activationId }),
    };
    clientEvents.push(event);
  };

  const leaderParams: LeaderParams = {
    ...shared,
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.appendRoute === undefined ? {} : { appendRoute: options.appendRoute }),
  };
  const leader = await executor.callAsync<LeaderResult>(leaderAction, { ...leaderParams });
  invoked('leader', leader);
  const ids = Array.from({ length: n }, (_, id) => id);
  const slaveParams: Omit<SlaveParams, 'id'> = shared;
  const firstSlaves = await executor.map<SlaveResult>(
    slaveAction,
    ids.map((id) => ({ id })),
    { extraParams: { ...slaveParams } },
  );
  const tInvoked = now();
  firstSlaves.forEach((future, id) => {
    invoked('slave', future, id);
  });

  const allFutures: ResponseFuture<object>[] = [leader, ...firstSlaves];
  // A failed activation's error result still carries its history: without it the checker could not
  // see the revocations, fenced appends and incomplete ends that a fault produces.
  const failedHistory: HistoryEvent[] = [];
  let retried = 0;
  let leaderDone = false;
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
  const collectSlave = async (
    id: number,
    first: ResponseFuture<SlaveResult>,
  ): Promise<{ result: SlaveResult } | { failure: SlaveFailure }> => {
    let future = first;
    const activationIds: string[] = [];
    for (let attempt = 1; ; attempt++) {
      if (future.activationId !== undefined) activationIds.push(future.activationId);
      let error: unknown;
      try {
        const result = await future.result({ timeoutMs: remaining() });
        ended('slave', future, id);
        const checked = asSlaveResult(result);
        if (typeof checked === 'string') error = new Error(checked);
        else return { result: checked };
      } catch (caught) {
        ended('slave', future, id, caught);
        failedHistory.push(...historyOfFailure(caught));
        error = caught;
      }
      const reason = oneLine(error);
      const canRetry = attempt <= retries && !(error instanceof ExecutorTimeoutError) && remaining() > 1;
      if (canRetry) {
        note(`slave ${id} failed (${reason}); invoking it again (retry ${attempt} of ${retries})`);
        retried++;
        future = await future.retry();
        allFutures.push(future);
        invoked('slave', future, id);
        continue;
      }
      note(`slave ${id} failed: ${reason}`);
      try {
        await tellLeader(id);
      } catch (abandonError) {
        note(`could not tell the leader that slave ${id} failed: ${oneLine(abandonError)}`);
      }
      return { failure: { id, attempts: attempt, activationIds, error: reason } };
    }
  };

  const leaderOutcome = (async () => {
    try {
      const result = await leader.result({ timeoutMs: remaining() });
      ended('leader', leader);
      return { ok: true as const, result };
    } catch (error) {
      ended('leader', leader, undefined, error);
      failedHistory.push(...historyOfFailure(error));
      note(`leader failed: ${oneLine(error)}`);
      return { ok: false as const, error: oneLine(error) };
    } finally {
      // No abandon is sent again once the leader has returned.
      leaderDone = true;
    }
  })();
  const slaveOutcomes = await Promise.all(firstSlaves.map((future, id) => collectSlave(id, future)));
  const leaderResult = await leaderOutcome;
  const tDone = now();

  const slaves = slaveOutcomes.map((outcome) => ('result' in outcome ? outcome.result : null));
  const failed = slaveOutcomes.flatMap((outcome) => ('failure' in outcome ? [outcome.failure] : []));
  const lists = slaves.map((slave) => slave?.list ?? null);
  const returned = lists.filter((list): list is number[] => list !== null);
  const first = returned[0] ?? [];
  const agree = returned.length > 0 && returned.every((list) => sameList(list, first));

  const problems: string[] = [];
  if (!leaderResult.ok) problems.push(`leader failed: ${leaderResult.error}`);
  for (const failure of failed) problems.push(`slave ${failure.id} failed: ${failure.error}`);
  if (returned.length > 0 && !agree) problems.push('the slaves returned different lists');
  if (agree && first.length !== n) problems.push(`the list has ${first.length} values, expected ${n}`);
  const invalid = first.filter((value) => !isValidValue(value));
  if (invalid.length > 0)
    problems.push(`the list holds values outside 0..${MAX_VALUE}: ${invalid.join(', ')}`);

  const actionHistory = [
    ...(leaderResult.ok ? (leaderResult.result.history ?? []) : []),
    ...slaves.flatMap((slave) => slave?.history ?? []),
    ...failedHistory,
  ];
  const history = mergeHistories(actionHistory, clientEvents);
  const timings = measure({ t0, tInvoked, tDone, futures: allFutures, history: actionHistory });
  const missing = [...new Set(slaves.flatMap((slave) => slave?.missing ?? []))].sort((a, b) => a - b);

  return {
    runId,
    n,
    ok: problems.length === 0,
    agree,
    list: first,
    results: lists,
    slaves,
    leader: {
      ok: leaderResult.ok,
      ...(leader.activationId === undefined ? {} : { activationId: leader.activationId }),
      ...(leaderResult.ok ? {} : { error: leaderResult.error }),
    },
    failed,
    missing,
    dropped: slaves.reduce((sum, slave) => sum + (slave?.dropped ?? 0), 0),
    retried,
    problems,
    timings,
    elapsedMs: Math.round(tDone - t0),
    ...(options.history === true ? { history } : {}),
  };
}

function measure(input: {
  t0: number;
  tInvoked: number;
  tDone: number;
  futures: readonly ResponseFuture<object>[];
  history: readonly HistoryEvent[];
}): RoundTimings {
  const { t0, tInvoked, tDone, futures, history } = input;
  const stats = futures.flatMap((future) => (future.stats === undefined ? [] : [future.stats]));
  const starts = stats.map((s) => (s.waitTime ?? 0) + (s.initTime ?? 0));
  const ends = stats.map((s) => s.end);
  const grants = history.filter((e) => e.type === 'grant').map((e) => e.t);
  const commits = history.filter((e) => e.type === 'commit').map((e) => e.t);
  const firstGrant = grants.length > 0 ? Math.min(...grants) : undefined;
  const lastCommit = commits.length > 0 ? Math.max(...commits) : undefined;
  const lastEnd = ends.length > 0 ? Math.max(...ends) : undefined;
  return {
    invocationMs: round(tInvoked - t0),
    containerStartMs: starts.length > 0 ? Math.max(...starts) : undefined,
    coldStarts: stats.filter((s) => s.initTime !== undefined).length,
    firstGrantMs: firstGrant === undefined ? undefined : round(firstGrant - t0),
    coordinationMs:
      firstGrant === undefined || lastCommit === undefined ? undefined : round(lastCommit - firstGrant),
    collectionMs: lastEnd === undefined ? undefined : round(Math.max(0, tDone - lastEnd)),
    totalMs: round(tDone - t0),
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function endStatus(error: unknown): EndEvent['status'] {
  if (error === undefined) return 'success';
  if (error instanceof ActivationError) return error.status;
  if (error instanceof ExecutorTimeoutError) return 'timeout';
  return 'whisk internal error';
}

/** History events in the error result of a failed activation, if it returned any. */
function historyOfFailure(error: unknown): HistoryEvent[] {
  if (!(error instanceof ActivationError)) return [];
  const history = error.result.history;
  return Array.isArray(history) ? (history as HistoryEvent[]) : [];
}

/** The result as a {@link SlaveResult}, or one line saying why it is not one. */
function asSlaveResult(value: unknown): SlaveResult | string {
  if (typeof value !== 'object' || value === null) return 'the slave returned no dictionary';
  const list = (value as { list?: unknown }).list;
  if (!Array.isArray(list) || !list.every((v): v is number => typeof v === 'number')) {
    return 'the slave returned no list of numbers';
  }
  return value as SlaveResult;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
