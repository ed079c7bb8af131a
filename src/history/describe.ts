import type { RunView } from './run-view.js';
import { showValue, type HistoryValue } from './values.js';

/** A time of the run, printed relative to its first event: `+12.345 ms`. */
export function at(run: RunView, t: number): string {
  return sinceStart(t, run.t0);
}

/** `t` printed relative to `t0`: `+12.345 ms`. */
export function sinceStart(t: number, t0: number): string {
  return `+${(t - t0).toFixed(3)} ms`;
}

/**
 * A list printed for a reader: whole when short, otherwise a window around `focus` with its length, so
 * a violation in a 1000-entry list still fits on one line.
 */
export function describeList(list: readonly HistoryValue[], focus = 0): string {
  const window = 4;
  const shown = (from: number, to: number) => list.slice(from, to).map(showValue).join(', ');
  if (list.length <= 2 * window + 1) return `[${shown(0, list.length)}]`;
  const from = Math.max(0, Math.min(focus - window, list.length - 2 * window - 1));
  const to = from + 2 * window + 1;
  const head = from > 0 ? '…, ' : '';
  const tail = to < list.length ? ', …' : '';
  return `[${head}${shown(from, to)}${tail}] (${list.length} entries, from position ${from})`;
}

/** The slave in a message: `slave 3`, or `a slave` when the event did not name one. */
export function slaveName(slave: number | undefined): string {
  return slave === undefined ? 'a slave' : `slave ${slave}`;
}

/** The party that returned a list: `the leader`, or the slave as {@link slaveName} names it. */
export function partyName(party: {
  readonly actor: 'leader' | 'slave';
  readonly slave?: number | undefined;
}): string {
  return party.actor === 'leader' ? 'the leader' : slaveName(party.slave);
}
