import type { AppendEvent, CommitEvent } from '../event.js';
import { isValidValue, MAX_VALUE } from '../../protocol/limits.js';
import { partyName } from '../describe.js';
import type { Finding } from '../report.js';
import { groupBy, returnedLists, type LeaderDecision, type RunView } from '../run-view.js';
import { sameValue, showValue, type HistoryValue } from '../values.js';
import { wholeSlaveHistories } from './lost-history.js';
import { holderWindows } from './windows.js';

/**
 * Validity: each commit follows its grant in the leader's record and matches it (slave and token)
 * and the holder's own append; values are integers in 0..1000; the k-th commit the leader recorded
 * fills position k; positions 0..k-1 are committed once each; a slave is committed at most once;
 * every entry of every returned list (the leader's included) is the committed value of its position.
 */
export function checkValidity(run: RunView, drawn = false): Finding[] {
  const inRange = (value: HistoryValue): boolean => !drawn || isValidValue(value);
  const context: CommitContext = {
    inRange,
    run,
    wholeHistory: wholeSlaveHistories(run),
    appendsByToken: groupBy(run.appends, (a) => a.token),
  };
  return [
    ...run.commits.flatMap((c) => commitProblems(c, context)),
    ...run.leaderLogs.flatMap(commitsBeforeGrants),
    ...run.leaderLogs.flatMap(positionsOutOfOrder),
    ...positionProblems(run),
    ...duplicateSlaves(run),
    ...listProblems(run, inRange),
  ];
}

interface CommitContext {
  /** Whether a value is allowed: any JSON value, or with `drawn` the shipped slave's 0..1000. */
  readonly inRange: (value: HistoryValue) => boolean;
  readonly run: RunView;
  /** Whether every activation of a slave handed over its history (a killed one does not). */
  readonly wholeHistory: (slave: number) => boolean;
  readonly appendsByToken: ReadonlyMap<string, AppendEvent[]>;
}

function commitProblems(c: CommitEvent, context: CommitContext): Finding[] {
  const base = { seq: c.seq, slave: c.slave, position: c.position };
  const problems: Finding[] = [];
  if (!context.inRange(c.value)) {
    problems.push({
      ...base,
      message: `commit of seq ${c.seq} holds ${showValue(c.value)}, not an integer in 0..${MAX_VALUE}`,
      expected: `an integer in 0..${MAX_VALUE}`,
      seen: showValue(c.value),
    });
  }
  const grant = context.run.grantBySeq.get(c.seq);
  if (grant === undefined) {
    problems.push({
      ...base,
      message: `seq ${c.seq} was committed but never granted`,
      expected: 'a grant',
      seen: 'none',
    });
    return problems;
  }
  if (grant.slave !== c.slave || grant.token !== c.token) {
    problems.push({
      ...base,
      message: `commit of seq ${c.seq} does not match its grant`,
      expected: `slave ${grant.slave} with token ${grant.token}`,
      seen: `slave ${c.slave} with token ${c.token}`,
    });
  }
  const appends = (context.appendsByToken.get(c.token) ?? []).filter(
    (a) => a.slave === c.slave && a.seq === c.seq,
  );
  if (appends.length === 0) {
    // Only a slave whose whole history is here can be held to having recorded its append.
    if (!context.wholeHistory(c.slave)) return problems;
    problems.push({
      ...base,
      message: `slave ${c.slave} recorded no append under seq ${c.seq} (token ${c.token}), yet it was committed`,
      expected: `an append by slave ${c.slave}`,
      seen: 'none',
    });
  } else if (!appends.every((a) => sameValue(a.value, c.value))) {
    problems.push({
      ...base,
      message: `the committed value of seq ${c.seq} is not the one slave ${c.slave} appended`,
      expected: appends.map((a) => showValue(a.value)).join(' and '),
      seen: showValue(c.value),
    });
  }
  return problems;
}

/** A commit the leader recorded before the grant it carries the token of (for the last grant too). */
function commitsBeforeGrants(log: readonly LeaderDecision[]): Finding[] {
  const problems: Finding[] = [];
  const grantedAt = new Map<string, number>();
  for (const [index, e] of log.entries()) if (e.type === 'grant') grantedAt.set(e.token, index);
  for (const { release: e, index } of holderWindows(log).unmatched) {
    if (e.type !== 'commit') continue;
    const grant = grantedAt.get(e.token);
    if (grant === undefined || grant < index) continue;
    problems.push({
      seq: e.seq,
      slave: e.slave,
      position: e.position,
      message: `the leader recorded the commit of seq ${e.seq} before its grant`,
      expected: `the grant of seq ${e.seq} first`,
      seen: 'the commit first',
    });
  }
  return problems;
}

/** The list's position of a commit is the number of commits the leader recorded before it. */
function positionsOutOfOrder(log: readonly LeaderDecision[]): Finding[] {
  const commits = log.filter((e) => e.type === 'commit');
  return commits.flatMap((c, index) =>
    c.position === index
      ? []
      : [
          {
            seq: c.seq,
            slave: c.slave,
            position: c.position,
            message: `the commit of seq ${c.seq} is the leader's commit number ${index} but fills position ${c.position}`,
            expected: `position ${index}`,
            seen: `position ${c.position}`,
          },
        ],
  );
}

function positionProblems(run: RunView): Finding[] {
  const problems: Finding[] = [];
  const first = run.commitAtPosition;
  for (const c of run.commits) {
    const earlier = first.get(c.position);
    if (earlier !== undefined && earlier !== c) {
      problems.push({
        seq: c.seq,
        slave: c.slave,
        position: c.position,
        message: `position ${c.position} was committed twice: seq ${earlier.seq} (slave ${earlier.slave}) and seq ${c.seq} (slave ${c.slave})`,
        expected: 'one commit per position',
        seen: 'two',
      });
    }
  }
  // A loop, not Math.max(...keys): spreading a very long history's positions overflows the call stack.
  let last = -1;
  for (const position of first.keys()) last = Math.max(last, position);
  for (let p = 0; p < last; p++) {
    if (!first.has(p)) {
      problems.push({
        position: p,
        message: `position ${p} was never committed, though position ${last} was`,
        expected: `positions 0..${last} committed`,
        seen: `gap at ${p}`,
      });
    }
  }
  return problems;
}

function duplicateSlaves(run: RunView): Finding[] {
  const firstBySlave = new Map<number, CommitEvent>();
  const problems: Finding[] = [];
  for (const c of run.commits) {
    const earlier = firstBySlave.get(c.slave);
    if (earlier === undefined) {
      firstBySlave.set(c.slave, c);
      continue;
    }
    problems.push({
      seq: c.seq,
      slave: c.slave,
      position: c.position,
      message: `slave ${c.slave} was committed twice: at positions ${earlier.position} and ${c.position}`,
      expected: 'each slave at most once in the list',
      seen: `positions ${earlier.position} and ${c.position}`,
    });
  }
  return problems;
}

function listProblems(run: RunView, inRange: (value: HistoryValue) => boolean): Finding[] {
  const problems: Finding[] = [];
  const committed = run.commitAtPosition;
  for (const returned of returnedLists(run)) {
    const { slave, list } = returned;
    const who = slave === undefined ? {} : { slave };
    const party = partyName(returned);
    for (const [position, value] of list.entries()) {
      const problem = entryProblem(party, position, value, committed.get(position), inRange);
      if (problem !== undefined) problems.push({ ...who, position, ...problem });
    }
    if (list.length < committed.size) {
      problems.push({
        ...who,
        position: list.length,
        message: `${party} returned ${list.length} entries, but ${committed.size} were committed`,
        expected: `${committed.size} entries`,
        seen: `${list.length} entries`,
      });
    }
  }
  return problems;
}

function entryProblem(
  party: string,
  position: number,
  value: HistoryValue,
  commit: CommitEvent | undefined,
  inRange: (value: HistoryValue) => boolean,
): Omit<Finding, 'position' | 'slave'> | undefined {
  const shown = showValue(value);
  if (commit === undefined) {
    return {
      message: `${party} returned ${shown} at position ${position}, where nothing was committed`,
      expected: 'no entry',
      seen: shown,
    };
  }
  if (!sameValue(commit.value, value)) {
    return {
      message: `${party} returned ${shown} at position ${position}, but slave ${commit.slave}'s committed value is ${showValue(commit.value)}`,
      expected: showValue(commit.value),
      seen: shown,
    };
  }
  if (!inRange(value)) {
    return {
      message: `${party} returned ${shown} at position ${position}, not an integer in 0..${MAX_VALUE}`,
      expected: `an integer in 0..${MAX_VALUE}`,
      seen: shown,
    };
  }
  return undefined;
}
