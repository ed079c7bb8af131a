import type { JsonValue } from '../protocol/json-value.js';
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

/** The events of one run, split by type, each list in time order (stable for equal times). */
export interface RunView {
  readonly runId: string;
  /** Earliest time in the run; messages print times relative to it. */
  readonly t0: number;
  readonly events: readonly HistoryEvent[];
  readonly grants: readonly GrantEvent[];
  readonly appends: readonly AppendEvent[];
  readonly commits: readonly CommitEvent[];
  readonly revokes: readonly RevokeEvent[];
  readonly returns: readonly ReturnEvent[];
  readonly invokes: readonly InvokeEvent[];
  readonly ends: readonly EndEvent[];
  /** Grants indexed by seq; the first grant wins when a seq was granted twice. */
  readonly grantBySeq: ReadonlyMap<number, GrantEvent>;
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

function viewRun(runId: string, unsorted: readonly HistoryEvent[]): RunView {
  const events = [...unsorted].sort((a, b) => a.t - b.t);
  const of = <T extends HistoryEvent['type']>(type: T) =>
    events.filter((e): e is Extract<HistoryEvent, { type: T }> => e.type === type);
  const grants = of('grant');
  const commits = of('commit');
  return {
    runId,
    t0: events[0]?.t ?? 0,
    events,
    grants,
    appends: of('append'),
    commits,
    revokes: of('revoke'),
    returns: of('return'),
    invokes: of('invoke'),
    ends: of('end'),
    grantBySeq: firstBy(grants, (g) => g.seq),
    commitAtPosition: firstBy(commits, (c) => c.position),
  };
}

/** The slave lists of the run's successful slave returns that carry one. */
export function returnedLists(run: RunView): { slave: number | undefined; list: readonly JsonValue[] }[] {
  return run.returns
    .filter((r) => r.actor === 'slave' && r.ok && r.list !== undefined)
    .map((r) => ({ slave: r.slave, list: r.list ?? [] }));
}

/** `items` indexed by `keyOf`; the first item wins when a key repeats. */
function firstBy<T>(items: readonly T[], keyOf: (item: T) => number): Map<number, T> {
  const map = new Map<number, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (!map.has(key)) map.set(key, item);
  }
  return map;
}
