import type { AppendEvent, CommitEvent, GrantEvent } from '../event.js';
import { sameValue, showValue, type JsonValue } from '../../protocol/json-value.js';
import { isValidValue, MAX_VALUE } from '../../protocol/limits.js';
import { slaveName } from '../describe.js';
import type { Finding } from '../report.js';
import { groupBy, returnedLists, type RunView } from '../run-view.js';

/**
 * Validity: each commit matches its grant (slave and token) and the holder's own append (values
 * compared as JSON); with `drawn`, values are integers in 0..1000 (the shipped slave's range);
 * positions 0..k-1 are committed once each; a slave is committed at most once; every entry of every
 * returned list is the committed value of its position.
 */
export function checkValidity(run: RunView, drawn = false): Finding[] {
  const inRange = (value: JsonValue): boolean => !drawn || isValidValue(value);
  const context: CommitContext = {
    inRange,
    grants: run.grantBySeq,
    recorders: new Set(
      run.events.flatMap((e) => (e.actor === 'slave' && e.slave !== undefined ? [e.slave] : [])),
    ),
    appendsBySeq: groupBy(run.appends, (a) => a.seq),
  };
  return [
    ...run.commits.flatMap((c) => commitProblems(c, context)),
    ...positionProblems(run),
    ...duplicateSlaves(run),
    ...listProblems(run, inRange),
  ];
}

interface CommitContext {
  readonly inRange: (value: JsonValue) => boolean;
  readonly grants: ReadonlyMap<number, GrantEvent>;
  /** Slaves that recorded events of their own. */
  readonly recorders: ReadonlySet<number>;
  readonly appendsBySeq: ReadonlyMap<number, AppendEvent[]>;
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
  const grant = context.grants.get(c.seq);
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
  // A slave that died after appending leaves no events of its own; only a slave that recorded
  // anything can be held to having recorded its append.
  if (!context.recorders.has(c.slave)) return problems;
  const appends = (context.appendsBySeq.get(c.seq) ?? []).filter(
    (a) => a.slave === c.slave && a.token === c.token,
  );
  if (appends.length === 0) {
    problems.push({
      ...base,
      message: `slave ${c.slave} recorded no append under seq ${c.seq} (token ${c.token}), yet it was committed`,
      expected: `an append by slave ${c.slave}`,
      seen: 'none',
    });
  } else if (!appends.some((a) => sameValue(a.value, c.value))) {
    problems.push({
      ...base,
      message: `the committed value of seq ${c.seq} is not the one slave ${c.slave} appended`,
      expected: appends.map((a) => showValue(a.value)).join(' or '),
      seen: showValue(c.value),
    });
  }
  return problems;
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

function listProblems(run: RunView, inRange: (value: JsonValue) => boolean): Finding[] {
  const problems: Finding[] = [];
  const committed = run.commitAtPosition;
  for (const { slave, list } of returnedLists(run)) {
    const who = slave === undefined ? {} : { slave };
    for (const [position, value] of list.entries()) {
      const commit = committed.get(position);
      if (commit === undefined) {
        problems.push({
          ...who,
          position,
          message: `${slaveName(slave)} returned ${showValue(value)} at position ${position}, where nothing was committed`,
          expected: 'no entry',
          seen: showValue(value),
        });
      } else if (!sameValue(commit.value, value)) {
        problems.push({
          ...who,
          position,
          message: `${slaveName(slave)} returned ${showValue(value)} at position ${position}, but slave ${commit.slave}'s committed value is ${showValue(commit.value)}`,
          expected: showValue(commit.value),
          seen: showValue(value),
        });
      } else if (!inRange(value)) {
        problems.push({
          ...who,
          position,
          message: `${slaveName(slave)} returned ${showValue(value)} at position ${position}, not an integer in 0..${MAX_VALUE}`,
          expected: `an integer in 0..${MAX_VALUE}`,
          seen: showValue(value),
        });
      }
    }
    if (list.length < committed.size) {
      problems.push({
        ...who,
        position: list.length,
        message: `${slaveName(slave)} returned ${list.length} entries, but ${committed.size} were committed`,
        expected: `${committed.size} entries`,
        seen: `${list.length} entries`,
      });
    }
  }
  return problems;
}
