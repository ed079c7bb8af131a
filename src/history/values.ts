import { canonicalJson, showValue as showJson, type JsonValue } from '../protocol/json-value.js';

/**
 * A slave's value as a history records it: any JSON value (the shipped slave's are integers in
 * 0..1000). Every comparison of values in the checker goes through {@link valueKey}; whether a value
 * lies in the shipped slave's range is a separate question (`isValidValue` in `src/protocol/limits.ts`).
 */
export type HistoryValue = JsonValue;

/** A string that is equal for equal values and different for different ones: canonical JSON. */
export function valueKey(value: HistoryValue): string {
  return canonicalJson(value);
}

/** Whether two recorded values are the same value (as JSON, key order aside). */
export function sameValue(a: HistoryValue, b: HistoryValue): boolean {
  return valueKey(a) === valueKey(b);
}

/** A value as a violation message prints it (long values shortened). */
export function showValue(value: HistoryValue): string {
  return showJson(value);
}
