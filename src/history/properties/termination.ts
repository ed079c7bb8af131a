import type { HistoryEvent } from '../event.js';
import type { Finding } from '../report.js';
import type { RunView } from '../run-view.js';

/**
 * Termination: every activation the client invoked was seen to end, and every activation that
 * recorded events also recorded its return.
 */
export function checkTermination(run: RunView): Finding[] {
  return [...unendedInvocations(run), ...unreturnedActivations(run)];
}

function roleKey(role: 'leader' | 'slave', slave: number | undefined): string {
  return role === 'leader' ? 'leader' : `slave ${slave ?? '?'}`;
}

function unendedInvocations(run: RunView): Finding[] {
  // Matched by role and slave id, in order: a retried slave is invoked (and ends) more than once.
  const ends = new Map<string, number>();
  for (const e of run.ends) {
    const key = roleKey(e.role, e.slave);
    ends.set(key, (ends.get(key) ?? 0) + 1);
  }
  const findings: Finding[] = [];
  for (const invoke of run.invokes) {
    const key = roleKey(invoke.role, invoke.slave);
    const left = ends.get(key) ?? 0;
    if (left > 0) {
      ends.set(key, left - 1);
      continue;
    }
    const activation = invoke.activationId === undefined ? '' : ` (activation ${invoke.activationId})`;
    findings.push({
      ...(invoke.slave === undefined ? {} : { slave: invoke.slave }),
      message: `the client invoked the ${key}${activation} but never saw it end`,
      expected: 'an end event',
      seen: 'none',
    });
  }
  return findings;
}

/** Who recorded an event: the leader, or the slave with that id. Client events have no recorder. */
function recorder(e: HistoryEvent): string | undefined {
  if (e.actor === 'client') return undefined;
  if (e.actor === 'leader') return 'leader';
  return roleKey('slave', e.slave);
}

function unreturnedActivations(run: RunView): Finding[] {
  const returnedIds = new Set<string>();
  const returnedWithoutId = new Set<string>();
  const returnedAtAll = new Set<string>();
  for (const r of run.returns) {
    const who = roleKey(r.actor, r.slave);
    returnedAtAll.add(who);
    // A return recorded without an id answers for every activation of that party.
    if (r.activationId === undefined) returnedWithoutId.add(who);
    else returnedIds.add(r.activationId);
  }
  const started = new Map<
    string,
    { who: string; activationId: string | undefined; slave: number | undefined }
  >();
  for (const e of run.events) {
    const who = recorder(e);
    if (who === undefined) continue;
    const key = e.activationId ?? who;
    if (!started.has(key))
      started.set(key, { who, activationId: e.activationId, slave: 'slave' in e ? e.slave : undefined });
  }
  const findings: Finding[] = [];
  for (const { who, activationId, slave } of started.values()) {
    const returned =
      activationId === undefined
        ? returnedAtAll.has(who)
        : returnedIds.has(activationId) || returnedWithoutId.has(who);
    if (returned) continue;
    const activation = activationId === undefined ? '' : ` (activation ${activationId})`;
    findings.push({
      ...(who !== 'leader' && slave !== undefined ? { slave } : {}),
      message: `the ${who}${activation} started but never recorded a return`,
      expected: 'a return event',
      seen: 'none',
    });
  }
  return findings;
}
