import { activationRecorder, groupBy, recorderOf, type RunView } from '../run-view.js';

/**
 * Which slaves' histories are whole. An activation hands its history over only when it returns, so
 * a killed one takes all of it along: what it did (an append, say) is unknown, not missing. A slave's
 * history counts as whole when it recorded events, every activation that recorded events also
 * recorded its return, and every activation the client invoked under its id is among them.
 *
 * @returns a test of one slave id
 */
export function wholeSlaveHistories(run: RunView): (slave: number) => boolean {
  const recorders = new Map<number, Set<string>>();
  const returned = new Set<string>();
  for (const e of run.events) {
    if (e.actor !== 'slave' || e.slave === undefined) continue;
    const recorder = recorderOf(e);
    const own = recorders.get(e.slave) ?? new Set<string>();
    own.add(recorder);
    recorders.set(e.slave, own);
    if (e.type === 'return') returned.add(recorder);
  }
  const invoked = groupBy(
    run.invokes.filter((i) => i.role === 'slave'),
    (i) => i.slave,
  );
  return (slave) => {
    const own = recorders.get(slave);
    if (own === undefined || [...own].some((r) => !returned.has(r))) return false;
    const invocations = (invoked.get(slave) ?? []).map((i) => i.activationId);
    // An invocation without an activation id is matched by count: N invocations need N recorders.
    return (
      invocations.length <= own.size &&
      invocations.every((id) => id === undefined || own.has(activationRecorder(id)))
    );
  };
}
