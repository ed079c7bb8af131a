/** A value that survives `JSON.stringify` and `JSON.parse` unchanged: what a slave may append. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Nesting deeper than this is refused: the checks below recurse, and no sane list entry needs more. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` is plain JSON: null, a boolean, a finite number, a string, or arrays and plain
 * objects of those, nested at most {@link MAX_JSON_DEPTH} deep. `undefined`, functions, `NaN`,
 * `Infinity`, bigints, dates, class instances and cycles are not (`JSON.stringify` would drop or
 * change them, so the appended value would differ from the one produced).
 */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isJsonValue(item, depth + 1));
}

/**
 * The JSON text of `value` with object keys sorted at every level: equal values give equal text
 * whatever order their keys were written in.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`;
  const record = value as { readonly [key: string]: JsonValue };
  const fields = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key] ?? null)}`);
  return `{${fields.join(',')}}`;
}

/** Whether two JSON values are equal (deep, key order ignored): the one comparison of list values. */
export function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** Whether two lists of JSON values are equal, element by element. */
export function sameValues(a: readonly JsonValue[], b: readonly JsonValue[]): boolean {
  return a.length === b.length && a.every((value, i) => sameValue(value, b[i]));
}

/** Size of `value` as sent: the UTF-8 bytes of its JSON text. */
export function encodedBytes(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** A short rendering of a value for messages and reports, cut at `max` characters. */
export function showValue(value: JsonValue | undefined, max = 60): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
