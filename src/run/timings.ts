import type { ResponseFuture } from '../executor/future.js';
import type { HistoryEvent } from '../history/event.js';
import type { RoundTimings } from './report.js';

/** Where the time of a round went, from the futures' platform stats and the actions' history. */
export function measureRound(input: {
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
