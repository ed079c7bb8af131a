import { sameValues, showValue, type JsonValue } from '../protocol/json-value.js';
import { isValidValue, MAX_VALUE } from '../protocol/limits.js';
import type { CollectedSlave } from './collect-slave.js';
import type { RoundReport } from './report.js';

/** What the client knows once every party has returned or been given up. */
export interface RoundOutcomes {
  readonly n: number;
  readonly leader: { readonly ok: true } | { readonly ok: false; readonly error: string };
  /** One per slave id, in order. */
  readonly slaves: readonly CollectedSlave[];
  /** The slaves were the shipped ones: values must be integers in 0..1000. */
  readonly drawnValues: boolean;
}

/** The verdict on a round: the agreed list, who failed, and why the round is not ok. */
export type RoundJudgement = Pick<
  RoundReport,
  'ok' | 'agree' | 'list' | 'listed' | 'results' | 'slaves' | 'failed' | 'missing' | 'dropped' | 'problems'
>;

/** Judges a round from its outcomes alone: pure, so every verdict can be tested without a platform. */
export function judgeRound(outcomes: RoundOutcomes): RoundJudgement {
  const { n, leader } = outcomes;
  const slaves = outcomes.slaves.map((outcome) => ('result' in outcome ? outcome.result : null));
  const failed = outcomes.slaves.flatMap((outcome) => ('failure' in outcome ? [outcome.failure] : []));
  const results = slaves.map((slave) => slave?.list ?? null);
  const returned = results.filter((list): list is JsonValue[] => list !== null);
  const first = returned[0];
  const agree = first !== undefined && returned.every((list) => sameValues(list, first));

  const problems: string[] = [];
  if (!leader.ok) problems.push(`leader failed: ${leader.error}`);
  for (const failure of failed) problems.push(`slave ${failure.id} failed: ${failure.error}`);
  if (first === undefined) problems.push('no list: no slave returned one');
  else if (!agree) problems.push('the slaves returned different lists');
  else if (first.length !== n) problems.push(`the list has ${first.length} values, expected ${n}`);
  if (outcomes.drawnValues && first !== undefined) {
    const invalid = first.filter((value) => !isValidValue(value));
    if (invalid.length > 0) {
      problems.push(
        `the list holds values outside 0..${MAX_VALUE}: ${invalid.map((v) => showValue(v)).join(', ')}`,
      );
    }
  }
  const missing = [...new Set(slaves.flatMap((slave) => slave?.missing ?? []))].sort((a, b) => a - b);
  return {
    ok: problems.length === 0,
    agree,
    list: first ?? [],
    listed: first !== undefined,
    results,
    slaves,
    failed,
    missing,
    dropped: slaves.reduce((sum, slave) => sum + (slave?.dropped ?? 0), 0),
    problems,
  };
}
