import type { ChannelModel } from 'amqplib';
import openwhisk from 'openwhisk';

import { deployManifest } from '../deploy/deploy.js';
import type { Manifest } from '../deploy/manifest.js';
import { FunctionExecutor } from '../executor/executor.js';
import { startLocalWhisk, type LocalWhisk } from '../localwhisk/index.js';
import { createRunCredentials, type RunCredentials } from '../protocol/credentials.js';
import { defaultCoordination, type RunCoordination } from '../run/coordination.js';
import { COLLECTION_GRACE_MS, runRound } from '../run/round.js';
import type { BrokerEvents } from './broker-events.js';
import { SoakError } from './errors.js';
import { FaultInjector } from './fault-injector.js';
import type { RoundObservation, RoundOutcome } from './observation.js';
import type { RoundPlan } from './plan.js';
import { RunTopology } from './run-topology.js';
import { firstLine } from './first-line.js';
import { isAlive } from './signals.js';

/** What every round of a soak shares. */
export interface SoakEnvironment {
  readonly amqpUrl: string;
  /** The deployment manifest; its packages get the soak's `amqpUrl`, `expiresMs` and `heartbeatMs`. */
  readonly manifest: Manifest;
  /** Deadline of every action (`timeoutMs`). */
  readonly timeoutMs: number;
  /** Queue expiry of every run: what a dead party leaves behind must be gone this long after. */
  readonly expiresMs: number;
  /** The leader's heartbeat interval. */
  readonly heartbeatMs: number;
  readonly events: BrokerEvents;
  /** Connection the forged messages are published on. */
  readonly injectConnection: ChannelModel;
  /** Cuts the round under way short. */
  readonly signal?: AbortSignal;
}

/** Beyond the client's own wait, how long a round may take before it counts as hung. */
export const HANG_MARGIN_MS = 15_000;
/** Beyond the queues' expiry, how long the broker may take to remove what a run left. */
export const LEAK_MARGIN_MS = 10_000;
/**
 * Beyond the actions' time limit, how long a container may still be busy after the client stopped
 * waiting (an activation the client gave up on still runs until its own deadline), and how long a
 * container may take to exit once the controller stops.
 */
export const PROCESS_DEADLINE_MS = 10_000;

/**
 * Runs one planned round on a fresh embedded controller (one action container per `concurrency`
 * slaves, no warm container from another round), with its fault, and records what happened: the report,
 * a hang, what the run left on the broker and which processes outlived it.
 */
export async function runSoakRound(plan: RoundPlan, env: SoakEnvironment): Promise<RoundObservation> {
  const started = Date.now();
  let credentials: RunCredentials | undefined;
  const live: { whisk?: LocalWhisk } = {};
  const injector = new FaultInjector(plan.fault, {
    containers: () => live.whisk?.containers() ?? [],
    credentials: () => credentials,
    connection: env.injectConnection,
  });
  const topology = new RunTopology(injector.entityCreated);
  const unsubscribe = [env.events.subscribe(topology.observe), env.events.subscribe(injector.brokerEvent)];
  const pids = new Set<number>();
  const whisk = await startLocalWhisk({
    prewarmContainers: 0,
    onContainerAssigned: (container) => {
      pids.add(container.pid);
      injector.containerAssigned(container);
    },
  });
  live.whisk = whisk;
  const executor = new FunctionExecutor({
    target: 'local',
    localWhisk: whisk,
    poll: { initialMs: 20, maxMs: 200 },
  });
  try {
    await deployManifest(openwhisk({ apihost: whisk.apihost, api_key: whisk.auth }), withRunDefaults(env), {
      extraLimits: { concurrency: plan.concurrency },
    });
    const coordination: RunCoordination = {
      ...defaultCoordination,
      createRunCredentials: () => {
        credentials = createRunCredentials();
        topology.follow(credentials.runId);
        return credentials;
      },
    };
    const hangAfterMs = env.timeoutMs + COLLECTION_GRACE_MS + HANG_MARGIN_MS;
    const outcome = await withHardTimer(
      runRound({
        executor,
        coordination,
        n: plan.n,
        amqpUrl: env.amqpUrl,
        timeoutMs: env.timeoutMs,
        leaseMs: plan.leaseMs,
        appendRoute: plan.route,
        retries: plan.retries,
        history: true,
      }),
      hangAfterMs,
      env.signal,
    );
    await injector.stop();
    const busy = await idleContainers(whisk, env.timeoutMs + PROCESS_DEADLINE_MS);
    await executor.close().catch(() => undefined);
    await whisk.close();
    const alive = await exitedWithin([...pids], PROCESS_DEADLINE_MS);
    const left = outcome.kind === 'interrupted' ? [] : await topology.settled(env.expiresMs + LEAK_MARGIN_MS);
    if (env.events.lost !== undefined) {
      throw new SoakError('EVENTS_MISSING', `the broker's events stopped: ${env.events.lost}`);
    }
    if (outcome.kind === 'returned' && topology.created === 0) {
      // Every run declares its leader queue: without a single event the leak check would be blind.
      throw new SoakError(
        'EVENTS_MISSING',
        `the broker announced no queue or exchange of run ${outcome.report.runId}: is its event exchange (rabbitmq_event_exchange) running?`,
      );
    }
    return {
      plan,
      ...(credentials === undefined ? {} : { runId: credentials.runId }),
      outcome,
      faultHits: injector.hits,
      ...(plan.fault.kind === 'inject' ? { injectedValue: plan.fault.value } : {}),
      brokerLeft: left.map((e) => `${e.entity} ${e.name}`),
      brokerRecreated: topology.recreated.map((e) => `${e.entity} ${e.name}`),
      processesLeft: [
        ...busy.map(
          (c) => `container pid ${c.pid} (${c.action}) still running ${c.activations.length} activation(s)`,
        ),
        ...alive.map((pid) => `container pid ${pid} still alive after the controller stopped`),
      ],
      elapsedMs: Date.now() - started,
      faultLog: injector.log,
    };
  } finally {
    for (const stop of unsubscribe) stop();
    await injector.stop();
    await executor.close().catch(() => undefined);
    await whisk.close().catch(() => undefined);
  }
}

/**
 * The manifest with the soak's broker, expiry and heartbeat bound as package parameters, and the
 * actions' time limit set to the soak's deadline, as a platform would enforce it: an activation can
 * then neither outlive the client's wait nor hide an overrun behind the manifest's 300 s.
 */
function withRunDefaults(env: SoakEnvironment): Manifest {
  return {
    ...env.manifest,
    packages: env.manifest.packages.map((pkg) => ({
      ...pkg,
      inputs: { ...pkg.inputs, amqpUrl: env.amqpUrl, expiresMs: env.expiresMs, heartbeatMs: env.heartbeatMs },
      actions: pkg.actions.map((action) => ({
        ...action,
        limits: { ...action.limits, timeout: env.timeoutMs },
      })),
    })),
  };
}

async function withHardTimer(
  round: Promise<RoundReportLike>,
  afterMs: number,
  signal: AbortSignal | undefined,
): Promise<RoundOutcome> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => undefined;
  const hung = new Promise<RoundOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({ kind: 'hung', afterMs });
    }, afterMs);
    onAbort = () => {
      resolve({ kind: 'interrupted' });
    };
    if (signal?.aborted === true) onAbort();
    signal?.addEventListener('abort', onAbort);
  });
  const settled = round.then(
    (report): RoundOutcome => ({ kind: 'returned', report }),
    (error: unknown): RoundOutcome => ({ kind: 'threw', error: firstLine(error) }),
  );
  try {
    return await Promise.race([settled, hung]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

type RoundReportLike = Awaited<ReturnType<typeof runRound>>;

/** Waits until no container runs an activation; returns those still busy after `timeoutMs`. */
async function idleContainers(whisk: LocalWhisk, timeoutMs: number) {
  const stopAt = Date.now() + timeoutMs;
  for (;;) {
    const busy = whisk.containers().filter((c) => c.activations.length > 0);
    if (busy.length === 0 || Date.now() > stopAt) return busy;
    await sleep(100);
  }
}

/** Waits until every pid has exited; returns those still alive at the deadline. */
async function exitedWithin(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const stopAt = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > stopAt) return alive;
    await sleep(100);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
