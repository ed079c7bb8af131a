import type { HistoryEvent } from './event.js';
import { checkAgreement } from './properties/agreement.js';
import { checkFencing } from './properties/fencing.js';
import { leaderHistoryGap } from './properties/leader-history.js';
import { checkMutualExclusion } from './properties/mutual-exclusion.js';
import { checkTermination } from './properties/termination.js';
import { checkValidity } from './properties/validity.js';
import {
  PROPERTIES,
  PROPERTY_STATEMENTS,
  type CheckReport,
  type Finding,
  type PropertyName,
  type PropertyResult,
  type RunReport,
  type RunSummary,
} from './report.js';
import { splitRuns, type RunView } from './run-view.js';

/** Options of {@link checkHistory}. */
export interface CheckOptions {
  /**
   * Ignored. It once allowed comparing times of different parties; the checker now orders events
   * across parties by causality alone, on every machine, and keeps the option so callers still compile.
   */
  readonly sharedClock?: boolean;
  /** Check only this run. Default: every run id present in the history. */
  readonly runId?: string;
  /**
   * Set when the slaves were the shipped `whisk-sync/slave`: every value must then also be an integer
   * in 0..1000. Default `false`: any JSON value (a user's action on `whisk-sync/action`).
   */
  readonly drawnValues?: boolean;
}

/**
 * Judges a recorded history, run by run, against Mutual exclusion, Agreement, Validity, Termination
 * and Fencing. The events may come in any order and may mix runs. Order within one party comes from
 * its record (`step`), order across parties from causality (tokens and values passed on); times of
 * different parties are never compared, since their clocks differ even on one machine.
 *
 * @returns one report per run id, each property passed or failed with its concrete violations.
 */
export function checkHistory(events: readonly HistoryEvent[], options: CheckOptions = {}): CheckReport {
  const { runId } = options;
  const chosen = runId === undefined ? events : events.filter((e) => e.runId === runId);
  const drawn = options.drawnValues ?? false;
  const runs = splitRuns(chosen).map((run) => checkRun(run, drawn));
  return { passed: runs.every((r) => r.passed), events: events.length, runs };
}

function checkRun(run: RunView, drawn: boolean): RunReport {
  const gap = leaderHistoryGap(run);
  // Grants, commits and revocations are the leader's events: without them, Mutual exclusion, Validity
  // and Fencing have nothing to judge. A leader known to have died leaves them unknown; otherwise
  // Validity gets the one finding that explains why nothing matches.
  const leaderJudged: Partial<Record<PropertyName, Finding[]>> =
    gap === undefined
      ? {
          'Mutual exclusion': checkMutualExclusion(run),
          Validity: checkValidity(run, drawn),
          Fencing: checkFencing(run),
        }
      : gap.kind === 'missing'
        ? { 'Mutual exclusion': [], Validity: [gap.finding], Fencing: [] }
        : {};
  const found: Record<PropertyName, Finding[]> = {
    'Mutual exclusion': leaderJudged['Mutual exclusion'] ?? [],
    Agreement: checkAgreement(run),
    Validity: leaderJudged.Validity ?? [],
    Termination: checkTermination(run),
    Fencing: leaderJudged.Fencing ?? [],
  };
  const properties: PropertyResult[] = PROPERTIES.map((property) => {
    return {
      property,
      statement: PROPERTY_STATEMENTS[property],
      passed: found[property].length === 0,
      violations: found[property].map((f) => ({ runId: run.runId, property, ...f })),
      ...(gap?.kind === 'lost' && isLeaders(property) ? { notJudged: gap.reason } : {}),
    };
  });
  return {
    runId: run.runId,
    passed: properties.every((p) => p.passed),
    summary: summarize(run),
    properties,
  };
}

/** Properties judged from the leader's own events (grants, commits, revocations). */
function isLeaders(property: PropertyName): boolean {
  return property === 'Mutual exclusion' || property === 'Validity' || property === 'Fencing';
}

function summarize(run: RunView): RunSummary {
  const slaves = new Set<number>();
  for (const e of run.events) {
    const own = e.actor === 'slave' || e.actor === 'client' ? e.slave : undefined;
    if (own !== undefined) slaves.add(own);
    if (e.type === 'grant') slaves.add(e.slave);
  }
  const last = run.events[run.events.length - 1]?.t ?? run.t0;
  return {
    slaves: slaves.size,
    grants: run.grants.length,
    commits: run.commits.length,
    revokes: run.revokes.length,
    durationMs: last - run.t0,
  };
}
