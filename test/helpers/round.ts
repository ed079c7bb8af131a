/**
 * One whole run of leader + slaves as separate processes against the broker at `AMQP_URL`
 * (default amqp://localhost), for integration tests:
 *
 *   const r = await runRound({ n: 10, slavesPerProcess: 1, leaderDelayMs: 1000 });
 *   r.slaves  // one result per slave id (or the ActionProcessError of a killed process)
 *   r.history // every party's events, for checkHistory(r.history)
 */
import { createRunCredentials } from '../../src/protocol/credentials.js';
import type { HistoryEvent } from '../../src/history/event.js';
import { startActions, type ActionProcess, type StartOptions } from './run-action.js';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://localhost';

export interface RoundOptions {
  readonly n: number;
  /** Slaves run concurrently this many per process (like a container with concurrency). Default 1. */
  readonly slavesPerProcess?: number;
  /** Start the leader this long after the slaves. Default 0. */
  readonly leaderDelayMs?: number;
  /** Start the leader only once this settles (after `leaderDelayMs`). Default: no condition. */
  readonly leaderAfter?: Promise<unknown>;
  /** Start delay of each slave process, by index. Default none. */
  readonly slaveDelayMs?: (processIndex: number) => number;
  /** Extra parameters for every action (leaseMs, timeoutMs, heartbeatMs, expiresMs...). */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly process?: StartOptions;
  /** Called with every started process, e.g. to kill one. */
  readonly onStart?: (
    role: 'leader' | 'slave',
    process: ActionProcess<Record<string, unknown>[]>,
    ids: number[],
  ) => void;
}

export interface RoundResult {
  readonly runId: string;
  readonly signingKey: string;
  readonly leader: Record<string, unknown> | Error;
  /** Index = slave id. */
  readonly slaves: (Record<string, unknown> | Error)[];
  readonly history: HistoryEvent[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runRound(options: RoundOptions): Promise<RoundResult> {
  const { runId, signingKey } = createRunCredentials();
  const base = {
    n: options.n,
    runId,
    amqpUrl: AMQP_URL,
    signingKey,
    history: true,
    timeoutMs: 30_000,
    ...options.params,
  };
  const per = options.slavesPerProcess ?? 1;
  const groups: number[][] = [];
  for (let id = 0; id < options.n; id += per)
    groups.push([...Array(Math.min(per, options.n - id)).keys()].map((i) => id + i));
  const slaveRuns = groups.map(async (ids, index) => {
    await sleep(options.slaveDelayMs?.(index) ?? 0);
    const p = startActions(
      'slave',
      ids.map((id) => ({ ...base, id })),
      options.process,
    );
    options.onStart?.('slave', p, ids);
    return p.result.then(
      (results) => results,
      (error: unknown) => ids.map(() => (error instanceof Error ? error : new Error(String(error)))),
    );
  });
  const leaderRun = (async () => {
    await sleep(options.leaderDelayMs ?? 0);
    await options.leaderAfter?.catch(() => undefined);
    const p = startActions('leader', [base], options.process);
    options.onStart?.('leader', p, []);
    return p.result.then(
      (results) => results[0] ?? new Error('no leader result'),
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  })();
  const [leader, ...slaveGroups] = await Promise.all([leaderRun, ...slaveRuns]);
  const slaves = slaveGroups.flat();
  const history = [leader, ...slaves].flatMap((r) =>
    r instanceof Error || !Array.isArray(r.history) ? [] : (r.history as HistoryEvent[]),
  );
  return { runId, signingKey, leader, slaves, history };
}
