import { ParamError } from './failure.js';
import {
  DEFAULT_EXPIRES_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_HOLD_MS,
  PARAM_RANGES,
  type Range,
} from './limits.js';
import { maskUrl } from './mask.js';
import { APPEND_ROUTES, type AppendRoute } from './messages.js';
import { isRecord } from '../is-record.js';

/** A short safe token: letters, digits, `_` and `-`, at most 64 characters; names queues and exchanges. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The leader's parameters after validation, with defaults applied. */
export interface LeaderConfig {
  readonly n: number;
  readonly runId: string;
  readonly amqpUrl: string;
  readonly signingKey: string;
  readonly leaseMs: number;
  readonly maxHoldMs: number;
  readonly timeoutMs: number | undefined;
  readonly history: boolean;
  readonly heartbeatMs: number;
  readonly expiresMs: number;
  readonly appendRoute: AppendRoute;
}

/** A slave's parameters after validation, with defaults applied. */
export interface SlaveConfig {
  readonly id: number;
  readonly n: number;
  readonly runId: string;
  readonly amqpUrl: string;
  readonly signingKey: string;
  readonly timeoutMs: number | undefined;
  readonly history: boolean;
  readonly expiresMs: number;
  readonly appendRoute: AppendRoute;
}

/** Fields every party of a run shares; also what {@link abandonSlave}-style clients need. */
export interface RunAccess {
  readonly runId: string;
  readonly amqpUrl: string;
  readonly signingKey: string;
}

/**
 * Checks the leader's parameters before anything touches the broker.
 * @throws {ParamError} naming the first bad parameter and its value (passwords masked, key never shown)
 */
export function validateLeaderParams(params: unknown): LeaderConfig {
  const p = record(params);
  const leaseMs = optionalInteger(p, 'leaseMs', PARAM_RANGES.leaseMs) ?? DEFAULT_LEASE_MS;
  return {
    n: integer(p, 'n', PARAM_RANGES.n),
    ...runAccess(p),
    leaseMs,
    maxHoldMs:
      optionalInteger(p, 'maxHoldMs', { min: leaseMs, max: PARAM_RANGES.maxHoldMs.max }) ??
      Math.max(leaseMs, DEFAULT_MAX_HOLD_MS),
    timeoutMs: optionalInteger(p, 'timeoutMs', PARAM_RANGES.timeoutMs),
    history: optionalBoolean(p, 'history') ?? false,
    heartbeatMs: optionalInteger(p, 'heartbeatMs', PARAM_RANGES.heartbeatMs) ?? DEFAULT_HEARTBEAT_MS,
    expiresMs: optionalInteger(p, 'expiresMs', PARAM_RANGES.expiresMs) ?? DEFAULT_EXPIRES_MS,
    appendRoute: appendRoute(p),
  };
}

/**
 * Checks a slave's parameters before anything touches the broker.
 * @throws {ParamError} naming the first bad parameter and its value (passwords masked, key never shown)
 */
export function validateSlaveParams(params: unknown): SlaveConfig {
  const p = record(params);
  const n = integer(p, 'n', PARAM_RANGES.n);
  return {
    id: integer(p, 'id', { min: 0, max: n - 1 }),
    n,
    ...runAccess(p),
    timeoutMs: optionalInteger(p, 'timeoutMs', PARAM_RANGES.timeoutMs),
    history: optionalBoolean(p, 'history') ?? false,
    expiresMs: optionalInteger(p, 'expiresMs', PARAM_RANGES.expiresMs) ?? DEFAULT_EXPIRES_MS,
    appendRoute: appendRoute(p),
  };
}

/** Checks `runId`, `amqpUrl` and `signingKey`. @throws {ParamError} */
export function validateRunAccess(params: unknown): RunAccess {
  return runAccess(record(params));
}

type Params = Readonly<Record<string, unknown>>;

function record(params: unknown): Params {
  if (!isRecord(params)) {
    throw new ParamError('params', `parameters must be an object (got ${describe(params)})`);
  }
  return params;
}

function runAccess(p: Params): RunAccess {
  return { runId: runId(p), amqpUrl: amqpUrl(p), signingKey: signingKey(p) };
}

function integer(p: Params, name: string, { min, max }: Range): number {
  const value = p[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ParamError(name, `${name} must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
  return value;
}

function optionalInteger(p: Params, name: string, range: Range): number | undefined {
  return p[name] === undefined ? undefined : integer(p, name, range);
}

function optionalBoolean(p: Params, name: string): boolean | undefined {
  const value = p[name];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ParamError(name, `${name} must be true or false (got ${describe(value)})`);
}

function appendRoute(p: Params): AppendRoute {
  const value = p.appendRoute;
  if (value === undefined) return 'fanout';
  const route = APPEND_ROUTES.find((r) => r === value);
  if (route !== undefined) return route;
  const choices = APPEND_ROUTES.map((r) => `'${r}'`).join(' or ');
  throw new ParamError('appendRoute', `appendRoute must be ${choices} (got ${describe(value)})`);
}

function runId(p: Params): string {
  const value = p.runId;
  if (typeof value !== 'string' || !RUN_ID_PATTERN.test(value)) {
    throw new ParamError(
      'runId',
      `runId must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit (got ${describe(value)})`,
    );
  }
  return value;
}

function amqpUrl(p: Params): string {
  const value = p.amqpUrl;
  const bad = () =>
    new ParamError(
      'amqpUrl',
      `amqpUrl must be an amqp:// or amqps:// URL with a host (got ${describe(value)})`,
    );
  if (typeof value !== 'string') throw bad();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad();
  }
  if ((url.protocol !== 'amqp:' && url.protocol !== 'amqps:') || url.hostname === '') throw bad();
  return value;
}

function signingKey(p: Params): string {
  const value = p.signingKey;
  if (typeof value === 'string' && value.length >= 16 && value.length <= 512) return value;
  // The key itself is never quoted, not even a wrong one: it may be a real key in the wrong place.
  const seen = typeof value === 'string' ? `a string of ${value.length} characters` : describe(value);
  throw new ParamError('signingKey', `signingKey must be a string of 16 to 512 characters (got ${seen})`);
}

/** A short, safe rendering of a parameter value for an error message. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = maskUrl(value);
    return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
