import { checkHistory } from '../history/checker.js';
import { canonicalJson, sameValue, sameValues, showValue } from '../protocol/json-value.js';
import { isValidValue } from '../protocol/limits.js';
import type { RoundReport } from '../run/report.js';
import type { RoundObservation } from './observation.js';

/** How a round ended: it succeeded, it failed (the report says why), or it never returned. */
export type RoundResult = 'succeeded' | 'failed' | 'hang';

/** The judge's decision on one round. */
export interface RoundVerdict {
  readonly result: RoundResult;
  /** Broken guarantees: checker findings, disagreement, foreign values, an exit status that lies. */
  readonly violations: readonly string[];
  /** What the round left behind: broker topology or processes. */
  readonly leaks: readonly string[];
  /** Why a round failed, as its report says. */
  readonly problems: readonly string[];
}

/**
 * Judges one round from what was observed (a pure function). A round succeeded when its report is
 * ok; whatever the fault, no round may break a guarantee (the history checker, agreement of every
 * returned list, no value a slave did not draw, an exit status that matches the report), hang, or leave
 * anything behind.
 */
export function judgeRound(observation: RoundObservation): RoundVerdict {
  const { outcome } = observation;
  const leaks = [
    ...observation.brokerLeft.map((name) => `left on the broker: ${name}`),
    ...observation.brokerRecreated.map((name) => `re-created after the run deleted it: ${name}`),
    ...observation.processesLeft.map((line) => `process left: ${line}`),
  ];
  if (outcome.kind === 'hung') {
    return { result: 'hang', violations: [], leaks, problems: [`no result after ${outcome.afterMs} ms`] };
  }
  if (outcome.kind === 'interrupted') {
    return { result: 'failed', violations: [], leaks, problems: ['interrupted'] };
  }
  if (outcome.kind === 'threw') {
    return {
      result: 'failed',
      violations: [],
      leaks,
      problems: [`the round could not run: ${outcome.error}`],
    };
  }
  const { report } = outcome;
  return {
    result: report.ok ? 'succeeded' : 'failed',
    violations: [
      ...historyViolations(report),
      ...disagreement(report),
      ...foreignValues(report, observation.injectedValue),
      ...exitStatusMismatch(report),
    ],
    leaks,
    problems: report.problems,
  };
}

function historyViolations(report: RoundReport): string[] {
  const check = checkHistory(report.history ?? [], { drawnValues: true, runId: report.runId });
  return check.runs.flatMap((run) =>
    run.properties.flatMap((p) => p.violations.map((v) => `checker: ${p.property}: ${v.message}`)),
  );
}

function disagreement(report: RoundReport): string[] {
  const returned = report.results.filter((list) => list !== null);
  const first = returned[0];
  if (first === undefined) return [];
  const differing = returned.filter((list) => !sameValues(list, first)).length;
  return differing === 0
    ? []
    : [`disagreement: ${differing} of ${returned.length} returned lists differ from the first`];
}

/**
 * A value in a returned list that no slave of the run drew, or outside 0..1000, came from somewhere
 * else: an injected message, another run. A slave drew a value when its result or its recorded append
 * says so, or when the leader recorded committing it: the leader commits only a signed append under a
 * grant it issued, so its commit stands in for the append of a slave whose history died with it.
 */
function foreignValues(report: RoundReport, injected: number | undefined): string[] {
  const drawn = new Set<string>();
  for (const slave of report.slaves) if (slave !== null) drawn.add(canonicalJson(slave.value));
  for (const event of report.history ?? [])
    if (event.type === 'append' || event.type === 'commit') drawn.add(canonicalJson(event.value));
  const found: string[] = [];
  const lists = report.results.filter((list) => list !== null);
  const seen = new Map(lists.flat().map((value) => [canonicalJson(value), value]));
  for (const [key, value] of seen) {
    if (!isValidValue(value)) found.push(`foreign value: ${key} is outside 0..1000`);
    else if (!drawn.has(key)) {
      const origin = value === injected ? ' (the injected value)' : '';
      found.push(`foreign value: ${key}${origin} was drawn by no slave of the run`);
    }
  }
  for (const slave of report.slaves) {
    if (slave === null) continue;
    const atPosition = slave.list[slave.position];
    if (!sameValue(atPosition, slave.value)) {
      found.push(
        `foreign value: slave ${slave.id} drew ${showValue(slave.value)} but its list holds ${showValue(atPosition)} at its position ${slave.position}`,
      );
    }
  }
  return found;
}

/**
 * `npm run map` exits 0 exactly when the report is ok; ok must then mean what it promises (the leader
 * succeeded, all N slaves returned the identical list of N values) and a failure must say why.
 */
function exitStatusMismatch(report: RoundReport): string[] {
  const found: string[] = [];
  if (report.ok && report.problems.length > 0)
    found.push('exit status: ok (exit 0) although the report lists problems');
  if (!report.ok && report.problems.length === 0)
    found.push('exit status: failed (exit 1) with no problem named');
  if (report.ok) {
    const complete =
      report.leader.ok &&
      report.failed.length === 0 &&
      report.results.length === report.n &&
      report.results.every((list) => list !== null && sameValues(list, report.list)) &&
      report.list.length === report.n;
    if (!complete)
      found.push(
        'exit status: ok (exit 0) although the leader failed or not all N slaves returned the list of N',
      );
  }
  return found;
}
