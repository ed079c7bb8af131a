import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ActivationStore } from './activation-store.js';
import { Activator } from './activator.js';
import { AlarmService } from './alarms.js';
import { installCatalog } from './catalog.js';
import { ContainerPool } from './container-pool.js';
import { DEFAULT_LIMITS } from './entities.js';
import { EntityStore } from './entity-store.js';
import { LocalWhiskOptionError } from './errors.js';
import { Invoker } from './invoker.js';
import { systemShutdown } from './messages.js';
import { resolveOptions, type LocalWhiskOptions } from './options.js';
import { RestApi } from './rest-api.js';
import { NamespaceThrottle } from './throttle.js';
import { TriggerFirer } from './trigger-fire.js';

export type { ActivationRecord, ActivationStatus } from './activation-record.js';
export { LocalWhiskOptionError, type LocalWhiskErrorCode } from './errors.js';
export { randomAuth, type LocalWhiskOptions } from './options.js';

import type { ContainerInfo } from './container-info.js';
export type { ContainerInfo } from './container-info.js';

/** A running embedded controller. */
export interface LocalWhisk {
  /** Base URL to give the `openwhisk` SDK as `apihost`, e.g. `http://127.0.0.1:41234`. */
  readonly apihost: string;
  /** Credentials, `uuid:key`: the SDK's `api_key`. */
  readonly auth: string;
  readonly namespace: string;
  /** The namespace throttles in force. */
  readonly limits: { readonly concurrent: number; readonly perMinute: number };
  /** Live containers, for inspection and fault injection in tests. */
  containers(): readonly ContainerInfo[];
  /** Stops the server and every container, and resolves once every container process has exited. */
  close(): Promise<void>;
}

// Only the variables a process needs to run: the controller's own environment (and its secrets) stays out.
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SYSTEMROOT'];

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? new LocalWhiskOptionError(`port ${port} is already in use`)
          : new LocalWhiskOptionError(`cannot listen on ${host}:${port}: ${error.message}`),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts an OpenWhisk-compatible controller on loopback that runs Node.js actions in local container
 * processes. The `openwhisk` SDK works against it unchanged: `openwhisk({ apihost, api_key: auth })`.
 * Throws {@link LocalWhiskOptionError} for a bad option or a port in use.
 */
export async function startLocalWhisk(options: LocalWhiskOptions = {}): Promise<LocalWhisk> {
  const settings = resolveOptions(options);
  // The API needs the address the server got: its request handler is attached once the API exists,
  // in the same turn as `listen` resolves, so no request can arrive before it.
  const server = createServer();
  server.requestTimeout = 0; // blocking invocations legitimately wait up to `blockingWaitMs`
  const address = await listen(server, settings.port, settings.host);
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const apihost = `http://${hostPart}:${address.port}`;

  const env: Record<string, string> = { __OW_API_HOST: apihost, __OW_ALLOW_CONCURRENT: 'true' };
  for (const name of PASSED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const pool = new ContainerPool({
    env,
    idleContainerMs: settings.idleContainerMs,
    prewarmContainers: settings.prewarmContainers,
    prewarmMemoryMb: DEFAULT_LIMITS.memory,
    memoryCheckIntervalMs: settings.memoryCheckIntervalMs,
    onContainerAssigned: settings.onContainerAssigned,
  });
  const store = new ActivationStore(settings.maxActivationRecords, settings.maxActivationResultBytes);
  const throttle = new NamespaceThrottle(settings.maxConcurrent, settings.maxPerMinute);
  const invoker = new Invoker(
    {
      namespace: settings.namespace,
      subject: settings.namespace,
      apihost,
      auth: settings.auth,
      resultLimitBytes: settings.payloadLimitBytes,
      defaultConcurrency: settings.defaultConcurrency,
      concurrencyOverride: settings.concurrencyOverride,
    },
    pool,
    store,
    throttle,
  );
  const entities = new EntityStore();
  entities.in(settings.namespace);
  const activator = new Activator(invoker, entities, store, settings.namespace);
  const firer = new TriggerFirer(entities, activator, store, settings.namespace);
  const alarms = new AlarmService({
    auth: settings.auth,
    triggerExists: (namespace, name) => entities.in(namespace).triggers.has(name),
    fire: (namespace, name, payload) => {
      if (!entities.in(namespace).triggers.has(name)) return false;
      firer.fire(namespace, name, payload, namespace);
      return true;
    },
    deleteTrigger: (namespace, name, withRules) => {
      const own = entities.in(namespace);
      const trigger = own.triggers.get(name);
      own.triggers.delete(name);
      if (!withRules || !trigger) return;
      for (const rule of trigger.rules.keys()) own.rules.delete(rule.slice(namespace.length + 1));
    },
  });
  if (settings.catalog) installCatalog(entities, alarms);
  const api = new RestApi(
    {
      namespace: settings.namespace,
      auth: settings.auth,
      payloadLimitBytes: settings.payloadLimitBytes,
      blockingWaitMs: settings.blockingWaitMs,
    },
    {
      entities,
      activator,
      activations: store,
      pool,
      triggers: {
        entities,
        firer,
        payloadLimitBytes: settings.payloadLimitBytes,
        onTriggerDeleted: (namespace, name) => {
          alarms.triggerDeleted(namespace, name);
        },
      },
    },
  );
  server.on('request', (request, response) => {
    void api.handle(request, response);
  });

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    invoker.markClosing();
    alarms.close();
    const serverClosed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    await pool.close(systemShutdown);
    // Let the activations cut short answer their blocking callers before the sockets go.
    await new Promise((resolve) => setImmediate(resolve));
    server.closeAllConnections();
    await serverClosed;
  };

  return {
    apihost,
    auth: settings.auth,
    namespace: settings.namespace,
    limits: { concurrent: settings.maxConcurrent, perMinute: settings.maxPerMinute },
    containers: () => pool.list(),
    close: () => (closing ??= close()),
  };
}
