import { showValue, type JsonValue } from '../protocol/json-value.js';
import type { RunView } from './run-view.js';

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
export function describeList(list: readonly JsonValue[], focus = 0): string {
  const window = 4;
  const join = (values: readonly JsonValue[]) => values.map((v) => showValue(v, 24)).join(', ');
  if (list.length <= 2 * window + 1) return `[${join(list)}]`;
  const from = Math.max(0, Math.min(focus - window, list.length - 2 * window - 1));
  const to = from + 2 * window + 1;
  const head = from > 0 ? '…, ' : '';
  const tail = to < list.length ? ', …' : '';
  return `[${head}${join(list.slice(from, to))}${tail}] (${list.length} entries, from position ${from})`;
}

/** The slave in a message: `slave 3`, or `a slave` when the event did not name one. */
export function slaveName(slave: number | undefined): string {
  return slave === undefined ? 'a slave' : `slave ${slave}`;
}
