import type { ContainerInfo } from './container-info.js';
import { randomBytes, randomUUID } from 'node:crypto';

import { LocalWhiskOptionError } from './errors.js';

/** Options of {@link startLocalWhisk}. Every field is optional; the object is copied, never mutated. */
export interface LocalWhiskOptions {
  /** TCP port to listen on. Default `0`: a random free port. */
  port?: number;
  /** Loopback address to listen on: `127.0.0.1`, `::1` or `localhost`. Default `'127.0.0.1'`. */
  host?: string;
  /** Credentials in the form `uuid:key`. Default: a random uuid and a random 64-character key. */
  auth?: string;
  /** The namespace of the credentials; `_` in a URL means this one. Default `'guest'`. */
  namespace?: string;
  /** Activations in flight at once in the namespace before 429. Default {@link DEFAULT_MAX_CONCURRENT}. */
  maxConcurrent?: number;
  /** Invocations per minute in the namespace before 429. Default `60000`. */
  maxPerMinute?: number;
  /** How long a blocking invoke waits for the result before answering 202. Default `60000` ms. */
  blockingWaitMs?: number;
  /** Largest accepted request body. Default `1048576` (1 MiB), also the limit of an action's result. */
  payloadLimitBytes?: number;
  /** A container with nothing to do for this long is stopped. Default `60000` ms. */
  idleContainerMs?: number;
  /**
   * Activations one container serves at once for actions whose `limits.concurrency` is not set.
   * Default `1`, as in OpenWhisk; raise it for large local runs, where one process per activation
   * would need far more memory.
   */
  defaultConcurrency?: number;
  /**
   * When set, every action's containers serve this many activations at once, whatever the action's
   * `limits.concurrency` says. Records still show the action's own limits. Default: not set.
   */
  concurrencyOverride?: number;
  /** Containers started ahead of need (for the default memory size) to make cold starts cheaper. Default `1`. */
  prewarmContainers?: number;
  /**
   * Finished activation records kept for polling; the oldest are dropped first. Default `10000`, and
   * never fewer than twice `maxConcurrent`, so that a burst of that many activations can all be read back.
   */
  maxActivationRecords?: number;
  /**
   * Bytes of results (as JSON) the kept records may hold; past it, records already read back are
   * dropped, the first read first (never one nobody has read). Default `268435456` (256 MiB).
   */
  maxActivationResultBytes?: number;
  /** How often each container's resident memory is checked against its limit. Default `250` ms. */
  memoryCheckIntervalMs?: number;
  /**
   * Installs OpenWhisk's catalog as shared packages of the `whisk.system` namespace: `/whisk.system/utils`
   * (echo, cat, sort, head, split, date, namespace) and `/whisk.system/alarms` (the `alarm` and `once`
   * feeds). Default `true`.
   */
  catalog?: boolean;
  /**
   * Called synchronously when a container process has been given to an action, before the action's
   * code is sent to it: the one moment a fault-injection test can freeze (SIGSTOP) or kill its pid
   * knowing that it has run none of the action's code. Default: none.
   */
  onContainerAssigned?: (container: ContainerInfo) => void;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly auth: string;
  readonly namespace: string;
  readonly maxConcurrent: number;
  readonly maxPerMinute: number;
  readonly blockingWaitMs: number;
  readonly payloadLimitBytes: number;
  readonly idleContainerMs: number;
  readonly defaultConcurrency: number;
  readonly concurrencyOverride: number | undefined;
  readonly prewarmContainers: number;
  readonly maxActivationRecords: number;
  readonly maxActivationResultBytes: number;
  readonly memoryCheckIntervalMs: number;
  readonly onContainerAssigned: ((container: ContainerInfo) => void) | undefined;
  readonly catalog: boolean;
}

/** Activations in flight at once before 429 when `maxConcurrent` is not given. */
export const DEFAULT_MAX_CONCURRENT = 2000;
/** Highest `maxConcurrent` accepted. */
export const MAX_MAX_CONCURRENT = 1_000_000;
const DEFAULT_ACTIVATION_RECORDS = 10_000;

/** Highest `limits.concurrency` accepted, as in common OpenWhisk deployments. */
export const MAX_ACTION_CONCURRENCY = 500;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const AUTH_FORMAT = /^[^:\s]+:[^:\s]+$/;
const NAMESPACE_FORMAT = /^[\w][\w@.-]*$/;

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LocalWhiskOptionError(
      `${name} must be an integer from ${min} to ${max}, got ${(JSON.stringify(value) as string | undefined) ?? typeof value}`,
    );
  }
  return value;
}

/** A random `uuid:key` pair shaped like OpenWhisk's generated credentials. */
export function randomAuth(): string {
  return `${randomUUID()}:${randomBytes(32).toString('hex')}`;
}

/** Applies defaults and validates; throws {@link LocalWhiskOptionError} naming the bad option. */
export function resolveOptions(options: LocalWhiskOptions = {}): ResolvedOptions {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new LocalWhiskOptionError(
      `host must be a loopback address (127.0.0.1, ::1, localhost), got ${host}`,
    );
  }
  const auth = options.auth ?? randomAuth();
  if (!AUTH_FORMAT.test(auth)) throw new LocalWhiskOptionError('auth must have the form uuid:key');
  const namespace = options.namespace ?? 'guest';
  if (!NAMESPACE_FORMAT.test(namespace) || namespace.length > 256) {
    throw new LocalWhiskOptionError(`namespace contains illegal characters: ${namespace}`);
  }
  const maxConcurrent = integer(
    'maxConcurrent',
    options.maxConcurrent,
    DEFAULT_MAX_CONCURRENT,
    1,
    MAX_MAX_CONCURRENT,
  );
  return {
    port: integer('port', options.port, 0, 0, 65535),
    host,
    auth,
    namespace,
    maxConcurrent,
    maxPerMinute: integer('maxPerMinute', options.maxPerMinute, 60000, 1, 100_000_000),
    blockingWaitMs: integer('blockingWaitMs', options.blockingWaitMs, 60000, 1, 3_600_000),
    payloadLimitBytes: integer('payloadLimitBytes', options.payloadLimitBytes, 1024 * 1024, 1, 1024 ** 3),
    idleContainerMs: integer('idleContainerMs', options.idleContainerMs, 60000, 1, 86_400_000),
    defaultConcurrency: integer(
      'defaultConcurrency',
      options.defaultConcurrency,
      1,
      1,
      MAX_ACTION_CONCURRENCY,
    ),
    concurrencyOverride:
      options.concurrencyOverride === undefined
        ? undefined
        : integer('concurrencyOverride', options.concurrencyOverride, 1, 1, 100_000),
    prewarmContainers: integer('prewarmContainers', options.prewarmContainers, 1, 0, 16),
    maxActivationRecords: integer(
      'maxActivationRecords',
      options.maxActivationRecords,
      Math.max(DEFAULT_ACTIVATION_RECORDS, 2 * maxConcurrent),
      1,
      10_000_000,
    ),
    maxActivationResultBytes: integer(
      'maxActivationResultBytes',
      options.maxActivationResultBytes,
      256 * 1024 ** 2,
      1024,
      Number.MAX_SAFE_INTEGER,
    ),
    memoryCheckIntervalMs: integer('memoryCheckIntervalMs', options.memoryCheckIntervalMs, 250, 10, 60000),
    onContainerAssigned: options.onContainerAssigned,
    catalog: options.catalog ?? true,
  };
}
