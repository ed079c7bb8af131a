import type { HistoryEvent } from '../../../src/history/event.js';
import { recorderOf } from '../../../src/history/run-view.js';

/**
 * The history with `moved` recorded just before `anchor` by their common recorder: that recorder's
 * steps are renumbered, and `moved` takes the anchor's time, so the two tie as a party's events of
 * one step do. The other recorders' events are left as they are.
 */
export function recordBefore(
  events: readonly HistoryEvent[],
  moved: HistoryEvent,
  anchor: HistoryEvent,
): HistoryEvent[] {
  const recorder = recorderOf(anchor);
  if (recorderOf(moved) !== recorder) throw new Error('recordBefore: the events have different recorders');
  const record = events
    .filter((e) => recorderOf(e) === recorder && e !== moved)
    .sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
  record.splice(record.indexOf(anchor), 0, moved);
  const renumbered = new Map(
    record.map((e, step) => [e, e === moved ? { ...e, step, t: anchor.t } : { ...e, step }]),
  );
  return events.map((e) => renumbered.get(e) ?? e);
}
