import type {
  AppendEvent,
  CommitEvent,
  EndEvent,
  GrantEvent,
  HistoryEvent,
  InvokeEvent,
  ReturnEvent,
  RevokeEvent,
} from './event.js';
import type { HistoryValue } from './values.js';

/** What a leader decides: a grant, a commit or a revocation. */
export type LeaderDecision = GrantEvent | CommitEvent | RevokeEvent;

/**
 * The events of one run, split by type. Nothing here is ordered across parties by time: `events` is
 * sorted by `t` only so that messages and summaries can speak of times; every order the checker
 * relies on is one party's record order.
 */
export interface RunView {
  readonly runId: string;
  /** Earliest time in the run; messages print times relative to it. */
  readonly t0: number;
  /** Every event, by `t` (stable for equal times); for display, never for ordering decisions. */
  readonly events: readonly HistoryEvent[];
  /** One list per leader activation: its decisions in the order it recorded them. */
  readonly leaderLogs: readonly (readonly LeaderDecision[])[];
  /** The leaders' grants, in each leader's record order. */
  readonly grants: readonly GrantEvent[];
  readonly appends: readonly AppendEvent[];
  /** The leaders' commits, in each leader's record order. */
  readonly commits: readonly CommitEvent[];
  readonly revokes: readonly RevokeEvent[];
  readonly returns: readonly ReturnEvent[];
  readonly invokes: readonly InvokeEvent[];
  readonly ends: readonly EndEvent[];
  /** Grants indexed by seq; the first grant wins when a seq was granted twice. */
  readonly grantBySeq: ReadonlyMap<number, GrantEvent>;
  /** Grants indexed by fencing token; the first grant wins when a token was issued twice. */
  readonly grantByToken: ReadonlyMap<string, GrantEvent>;
  /** Commits indexed by list position; the first commit wins when a position was committed twice. */
  readonly commitAtPosition: ReadonlyMap<number, CommitEvent>;
}

/** Groups events by run id, in the order in which each run id first appears. */
export function splitRuns(events: readonly HistoryEvent[]): RunView[] {
  return [...groupBy(events, (e) => e.runId)].map(([runId, list]) => viewRun(runId, list));
}

/**
 * Groups `items` by `keyOf`, keeping their order within each group and the order in which keys first
 * appear; each item is appended in place, so grouping stays linear however large a group grows.
 */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * Who recorded an event: the activation for leader and slave events (by id, or by role and slave id
 * when the id is unknown), the client for its invoke and end events.
 */
export function recorderOf(e: HistoryEvent): string {
  if (e.actor === 'client') return 'client';
  if (e.activationId !== undefined) return activationRecorder(e.activationId);
  return e.actor === 'leader' ? 'leader' : `slave ${e.slave ?? '?'}`;
}

/** The recorder name {@link recorderOf} gives the activation with this id. */
export function activationRecorder(activationId: string): string {
  return `activation ${activationId}`;
}

function viewRun(runId: string, unsorted: readonly HistoryEvent[]): RunView {
  const events = [...unsorted].sort((a, b) => a.t - b.t);
  const records = [...groupBy(events, recorderOf).values()].map(inRecordOrder);
  const leaderLogs = records
    .filter((record) => record[0]?.actor === 'leader')
    .map((record) => record.filter(isDecision));
  const decisions = leaderLogs.flat();
  const grants = decisions.filter((e) => e.type === 'grant');
  const commits = decisions.filter((e) => e.type === 'commit');
  const of = <T extends HistoryEvent['type']>(type: T, from: readonly HistoryEvent[] = events) =>
    from.filter((e): e is Extract<HistoryEvent, { type: T }> => e.type === type);
  return {
    runId,
    t0: events[0]?.t ?? 0,
    events,
    leaderLogs,
    grants,
    appends: of('append', records.flat()),
    commits,
    revokes: decisions.filter((e) => e.type === 'revoke'),
    returns: of('return'),
    invokes: of('invoke'),
    ends: of('end'),
    grantBySeq: firstBy(grants, (g) => g.seq),
    grantByToken: firstBy(grants, (g) => g.token),
    commitAtPosition: firstBy(commits, (c) => c.position),
  };
}

function isDecision(e: HistoryEvent): e is LeaderDecision {
  return e.type === 'grant' || e.type === 'commit' || e.type === 'revoke';
}

/**
 * One recorder's events (given by `t`, stably) in the order it recorded them: by `step` when every
 * event carries one; otherwise (a history written before `step` existed) as given, since those
 * writers kept each party's events in record order and one party's times never decrease.
 */
function inRecordOrder(record: readonly HistoryEvent[]): HistoryEvent[] {
  if (!record.every((e) => e.step !== undefined)) return [...record];
  return [...record].sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
}

/** A list a party returned: `slave` is undefined for the leader's list. */
export interface ReturnedList {
  readonly actor: 'leader' | 'slave';
  readonly slave: number | undefined;
  readonly list: readonly HistoryValue[];
}

/**
 * The lists of the run's successful slave returns that carry one, then the leader's. The leader
 * records its list even when it failed after ending the run: it is the list it sent the slaves.
 */
export function returnedLists(run: RunView): ReturnedList[] {
  const lists: ReturnedList[] = [];
  for (const r of run.returns) {
    if (r.list === undefined || (r.actor === 'slave' && !r.ok)) continue;
    lists.push({ actor: r.actor, slave: r.actor === 'slave' ? r.slave : undefined, list: r.list });
  }
  return lists.sort((a, b) => (a.actor === b.actor ? 0 : a.actor === 'slave' ? -1 : 1));
}

/** `items` indexed by `keyOf`; the first item wins when a key repeats. */
function firstBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T> {
  const map = new Map<K, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (!map.has(key)) map.set(key, item);
  }
  return map;
}
