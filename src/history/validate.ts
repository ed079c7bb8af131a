import type { HistoryEvent } from './event.js';
import { isRecord } from '../is-record.js';
import { isJsonValue } from '../protocol/json-value.js';

/**
 * Checks that a parsed JSON value has the shape of a {@link HistoryEvent} and returns it unchanged
 * (unknown extra fields are kept, so histories written by newer parties still load).
 *
 * Only the shape is checked here. Whether the values make sense (a value within 0..1000, a commit
 * matching its grant) is the checker's business, so that it can report such histories instead of
 * refusing to load them.
 *
 * @throws {TypeError} naming the first field that is missing or of the wrong type.
 */
export function toHistoryEvent(value: unknown): HistoryEvent {
  if (!isRecord(value)) throw new TypeError('expected a JSON object');
  const type = value['type'];
  if (typeof type !== 'string') throw new TypeError('field "type" must be a string');
  const fields = FIELDS[type];
  if (fields === undefined) throw new TypeError(`unknown event type ${JSON.stringify(type)}`);
  requireField(value, 'runId', isNonEmptyString, 'a non-empty string');
  requireField(value, 't', isFiniteNumber, 'a finite number');
  optionalField(value, 'activationId', isNonEmptyString, 'a non-empty string');
  // Optional so that histories written before it existed still load (see HistoryEvent's `step`).
  optionalField(value, 'step', isIndex, 'a non-negative integer');
  for (const [name, rule] of Object.entries(fields)) {
    if (rule.optional) optionalField(value, name, rule.check, rule.expected);
    else requireField(value, name, rule.check, rule.expected);
  }
  return value as unknown as HistoryEvent;
}

interface FieldRule {
  readonly check: (v: unknown) => boolean;
  readonly expected: string;
  readonly optional?: boolean;
}

type Record_ = Record<string, unknown>;

const isNonEmptyString = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const isString = (v: unknown): boolean => typeof v === 'string';
const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isIndex = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isValueList = (v: unknown): boolean => Array.isArray(v) && v.every((item) => isJsonValue(item));
const oneOf =
  (...allowed: string[]) =>
  (v: unknown): boolean =>
    typeof v === 'string' && allowed.includes(v);

const actor = (...allowed: string[]): FieldRule => ({
  check: oneOf(...allowed),
  expected: allowed.map((a) => JSON.stringify(a)).join(' or '),
});
const index: FieldRule = { check: isIndex, expected: 'a non-negative integer' };
const optionalIndex: FieldRule = { ...index, optional: true };
const token: FieldRule = { check: isNonEmptyString, expected: 'a non-empty string' };
const text: FieldRule = { check: isString, expected: 'a string' };
const value: FieldRule = { check: isFiniteNumber, expected: 'a finite number' };
const jsonValue: FieldRule = { check: (v) => isJsonValue(v), expected: 'a JSON value' };
const role = actor('leader', 'slave');

const END_STATUSES = [
  'success',
  'application error',
  'action developer error',
  'whisk internal error',
  'timeout',
];

/** Required and optional fields of each event type, beyond runId, t, step and activationId. */
const FIELDS: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  start: { actor: role, slave: optionalIndex },
  request: { actor: actor('slave'), slave: index },
  grant: { actor: actor('leader'), seq: index, slave: index, token, leaseMs: value },
  append: { actor: actor('slave'), seq: index, slave: index, token, value: jsonValue },
  commit: { actor: actor('leader'), seq: index, slave: index, token, value: jsonValue, position: index },
  revoke: { actor: actor('leader'), seq: index, slave: index, token, reason: text },
  return: {
    actor: role,
    slave: optionalIndex,
    ok: { check: isBoolean, expected: 'a boolean' },
    list: { check: isValueList, expected: 'an array of JSON values', optional: true },
    error: { ...text, optional: true },
  },
  drop: { actor: role, slave: optionalIndex, reason: text },
  invoke: { actor: actor('client'), role, slave: optionalIndex },
  end: { actor: actor('client'), role, slave: optionalIndex, status: actor(...END_STATUSES) },
};

function requireField(record: Record_, name: string, check: (v: unknown) => boolean, expected: string): void {
  if (!(name in record)) throw new TypeError(`field "${name}" is missing`);
  if (!check(record[name])) throw new TypeError(`field "${name}" must be ${expected}`);
}

function optionalField(
  record: Record_,
  name: string,
  check: (v: unknown) => boolean,
  expected: string,
): void {
  if (record[name] !== undefined && !check(record[name])) {
    throw new TypeError(`field "${name}" must be ${expected} when present`);
  }
}
