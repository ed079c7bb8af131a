/**
 * A slave's value as a history records it. Every comparison of values in the checker goes through
 * {@link valueKey}, so widening what a value may be changes this file only; whether a value lies in
 * the protocol's range is a separate question (`isValidValue` in `src/protocol/limits.ts`).
 */
export type HistoryValue = number;

/** A string that is equal for equal values and different for different ones: a map key for values. */
export function valueKey(value: HistoryValue): string {
  return JSON.stringify(value);
}

/** Whether two recorded values are the same value. */
export function sameValue(a: HistoryValue, b: HistoryValue): boolean {
  return valueKey(a) === valueKey(b);
}

/** A value as a violation message prints it. */
export function showValue(value: HistoryValue): string {
  return JSON.stringify(value);
}
