import { showValue } from '../protocol/json-value.js';
import { sinceStart } from '../history/describe.js';
import type { CommitEvent, GrantEvent, HistoryEvent, RevokeEvent } from '../history/event.js';
import { groupBy } from '../history/run-view.js';

/** A stretch of an activation's life. `holding` is a critical section: grant → commit or revocation. */
export type SpanKind = 'starting' | 'waiting' | 'holding' | 'collecting' | 'leading';

export interface Span {
  readonly kind: SpanKind;
  readonly from: number;
  readonly to: number;
  /** For `holding`: the grant's seq, and whether it ended in a revocation rather than a commit. */
  readonly seq?: number;
  readonly revoked?: boolean;
  readonly label: string;
}

/** A moment in an activation's life. */
export type MarkKind = 'invoked' | 'append' | 'returned' | 'failed' | 'revoked' | 'dropped';

export interface Mark {
  readonly kind: MarkKind;
  readonly t: number;
  readonly label: string;
}

/** One row of the timeline: the leader, or one slave id (all its activations, retries included). */
export interface Lane {
  readonly role: 'leader' | 'slave';
  readonly slave?: number;
  readonly label: string;
  readonly spans: readonly Span[];
  readonly marks: readonly Mark[];
}

/**
 * Turns a run's events (all of one run id, sorted by `t`) into rows: the leader first, then slaves
 * 0..max id, so a slave that left no trace still gets its (empty) row.
 *
 * @param slaves Number of slave rows. Default: highest slave id seen + 1.
 */
export function buildLanes(events: readonly HistoryEvent[], slaves?: number): Lane[] {
  const t0 = events[0]?.t ?? 0;
  const end = events[events.length - 1]?.t ?? t0;
  // Each slave's row needs only the events that name it; grouping once keeps 1000 rows linear.
  const bySlave = groupBy(events, (e) => ('slave' in e ? e.slave : undefined));
  const count = slaves ?? [...bySlave.keys()].reduce<number>((max, id) => Math.max(max, id ?? -1), -1) + 1;
  const lanes = [leaderLane(events, t0, end)];
  for (let id = 0; id < count; id++) lanes.push(slaveLane(bySlave.get(id) ?? [], id, t0, end));
  return lanes;
}

function leaderLane(events: readonly HistoryEvent[], t0: number, end: number): Lane {
  const own = events.filter((e) => e.actor === 'leader');
  const invokes = events.filter((e) => e.type === 'invoke' && e.role === 'leader');
  const spans = startingSpans(invokes, own, (invoke) => `leader invoked ${sinceStart(invoke.t, t0)}`);
  const first = own[0];
  if (first !== undefined) {
    const ret = own.find((e) => e.type === 'return');
    const to = ret?.t ?? end;
    spans.push({
      kind: 'leading',
      from: first.t,
      to,
      label: `leader active ${sinceStart(first.t, t0)} → ${sinceStart(to, t0)}`,
    });
  }
  return {
    role: 'leader',
    label: 'leader',
    spans,
    marks: [
      ...invokeMarks(invokes, t0),
      ...ownMarks(own, t0, 'leader'),
      ...failedEnds(events, 'leader', undefined, t0),
    ],
  };
}

/** @param events The run's events that name slave `id`. */
function slaveLane(events: readonly HistoryEvent[], id: number, t0: number, end: number): Lane {
  const own = events.filter((e) => e.actor === 'slave' && e.slave === id);
  const invokes = events.filter((e) => e.type === 'invoke' && e.role === 'slave' && e.slave === id);
  const grants = events.filter((e): e is GrantEvent => e.type === 'grant' && e.slave === id);
  const releases = events.filter(
    (e): e is CommitEvent | RevokeEvent => (e.type === 'commit' || e.type === 'revoke') && e.slave === id,
  );
  const returns = own.filter((e) => e.type === 'return');
  const name = `slave ${id}`;
  const spans = startingSpans(
    invokes,
    own,
    (invoke, started) => `${name} invoked ${sinceStart(invoke.t, t0)}, started ${sinceStart(started.t, t0)}`,
  );
  for (const request of own.filter((e) => e.type === 'request')) {
    const granted = grants.find((g) => g.t >= request.t);
    const to = granted?.t ?? returns.find((r) => r.t >= request.t)?.t ?? end;
    spans.push({
      kind: 'waiting',
      from: request.t,
      to,
      label: `${name} requested ${sinceStart(request.t, t0)}`,
    });
  }
  for (const grant of grants) {
    const release = releases.find((r) => r.seq === grant.seq && r.t >= grant.t);
    const revoked = release?.type === 'revoke';
    const to = release?.t ?? end;
    const how =
      release === undefined ? 'never released' : `${revoked ? 'revoked' : 'committed'} ${sinceStart(to, t0)}`;
    spans.push({
      kind: 'holding',
      from: grant.t,
      to,
      seq: grant.seq,
      revoked,
      label: `${name} holds seq ${grant.seq}: granted ${sinceStart(grant.t, t0)}, ${how}`,
    });
    if (release?.type === 'commit') {
      const ret = returns.find((r) => r.t >= release.t);
      if (ret !== undefined) {
        spans.push({
          kind: 'collecting',
          from: release.t,
          to: ret.t,
          label: `${name} waits for the whole list`,
        });
      }
    }
  }
  const revokeMarks = releases
    .filter((r) => r.type === 'revoke')
    .map((r): Mark => ({
      kind: 'revoked',
      t: r.t,
      label: `seq ${r.seq} revoked ${sinceStart(r.t, t0)}: ${r.reason}`,
    }));
  return {
    role: 'slave',
    slave: id,
    label: name,
    spans,
    marks: [
      ...invokeMarks(invokes, t0),
      ...ownMarks(own, t0, name),
      ...revokeMarks,
      ...failedEnds(events, 'slave', id, t0),
    ],
  };
}

/** From each invocation to the first event its activation recorded (platform start-up). */
function startingSpans(
  invokes: readonly HistoryEvent[],
  own: readonly HistoryEvent[],
  label: (invoke: HistoryEvent, started: HistoryEvent) => string,
): Span[] {
  return invokes.flatMap((invoke) => {
    const started = own.find((e) => e.t >= invoke.t);
    return started === undefined
      ? []
      : [{ kind: 'starting' as const, from: invoke.t, to: started.t, label: label(invoke, started) }];
  });
}

function invokeMarks(invokes: readonly HistoryEvent[], t0: number): Mark[] {
  return invokes.map((e) => ({ kind: 'invoked', t: e.t, label: `invoked ${sinceStart(e.t, t0)}` }));
}

/** Activations the client saw fail: killed ones leave no return of their own. */
function failedEnds(
  events: readonly HistoryEvent[],
  role: 'leader' | 'slave',
  slave: number | undefined,
  t0: number,
): Mark[] {
  return events
    .filter((e) => e.type === 'end' && e.role === role && e.slave === slave && e.status !== 'success')
    .map((e) => ({
      kind: 'failed',
      t: e.t,
      label: `activation ended ${sinceStart(e.t, t0)}: ${e.type === 'end' ? e.status : ''}`,
    }));
}

function ownMarks(own: readonly HistoryEvent[], t0: number, name: string): Mark[] {
  const marks: Mark[] = [];
  for (const e of own) {
    if (e.type === 'append') {
      marks.push({
        kind: 'append',
        t: e.t,
        label: `${name} appended ${showValue(e.value)} under seq ${e.seq} ${sinceStart(e.t, t0)}`,
      });
    } else if (e.type === 'return') {
      const label = e.ok
        ? `${name} returned ${sinceStart(e.t, t0)}`
        : `${name} failed ${sinceStart(e.t, t0)}: ${e.error ?? 'error'}`;
      marks.push({ kind: e.ok ? 'returned' : 'failed', t: e.t, label });
    } else if (e.type === 'drop') {
      marks.push({
        kind: 'dropped',
        t: e.t,
        label: `${name} dropped a message ${sinceStart(e.t, t0)}: ${e.reason}`,
      });
    }
  }
  return marks;
}
