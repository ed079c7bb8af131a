/**
 * Fault injection through the embedded controller: the real bundles deployed from manifest.yaml, one
 * activation per container (so a container is one party), container processes frozen, resumed or
 * killed by pid, and a client-side record of the run's credentials.
 *
 *   const lab = await startFaultLab();
 *   const watch = lab.watch((c) => (c.action.endsWith('/leader') ? 'freeze' : 'run'));
 *   const report = runRound({ executor: lab.executor(), coordination: lab.coordination, ... });
 *   ...
 *   watch.stop();            // resumes every container it froze
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openwhisk from 'openwhisk';

import { abandonSlave, type AbandonOutcome } from '../../src/broker/abandon.js';
import { deployManifest } from '../../src/deploy/deploy.js';
import { loadManifest, type Manifest } from '../../src/deploy/manifest.js';
import { FunctionExecutor } from '../../src/executor/executor.js';
import { startLocalWhisk, type ContainerInfo, type LocalWhisk } from '../../src/localwhisk/index.js';
import { createRunCredentials, type RunCredentials } from '../../src/protocol/credentials.js';
import type { LeaderFailureRequest, RunCoordination } from '../../src/run/coordination.js';
import { clearEndRecord } from '../../src/broker/end-record.js';
import { announceLeaderFailure, type FailureEndOutcome } from '../../src/broker/failure-end.js';
import { ensureBundles } from '../../src/run/bundles.js';
import { signal } from '../../src/soak/signals.js';
import { DEFAULT_LEADER_ACTION, DEFAULT_SLAVE_ACTION } from '../../src/run/round.js';
import { AMQP_URL } from './round.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Queue expiry of every fault run, so that what a dead party leaves behind vanishes within seconds. */
export const FAULT_EXPIRES_MS = 3000;
/** Leader broadcast interval of fault runs: slaves notice a dead leader after the 5 s minimum. */
export const FAULT_HEARTBEAT_MS = 200;

/** What to do with a container the first time it is seen. */
export type ContainerDecision = 'freeze' | 'kill' | 'run';

/** Polls `probe` until it returns a value other than undefined; rejects after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const stopAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > stopAt) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Applies a decision to each container the moment the controller gives it to an action, before the
 * action's code is sent to it (the controller's `onContainerAssigned` hook calls {@link apply}), so a
 * frozen or killed container has run none of the action's code.
 */
export class ContainerWatch {
  readonly frozen = new Set<number>();
  readonly killed = new Set<number>();
  #stopped = false;

  constructor(private decide: (container: ContainerInfo) => ContainerDecision) {}

  /** Replaces the decision for containers not seen yet (e.g. let retries run). */
  setDecision(decide: (container: ContainerInfo) => ContainerDecision): void {
    this.decide = decide;
  }

  /** The controller's hook: decides for a container that has just been given to an action. */
  apply(container: ContainerInfo): void {
    if (this.#stopped) return;
    const decision = this.decide(container);
    if (decision === 'freeze') this.freeze(container.pid);
    else if (decision === 'kill') this.kill(container.pid);
  }

  resume(pid: number): void {
    this.frozen.delete(pid);
    signal(pid, 'SIGCONT');
  }

  freeze(pid: number): void {
    this.frozen.add(pid);
    signal(pid, 'SIGSTOP');
  }

  kill(pid: number): void {
    this.frozen.delete(pid);
    this.killed.add(pid);
    signal(pid, 'SIGKILL');
  }

  /** Stops deciding and resumes every container still frozen. */
  stop(): void {
    this.#stopped = true;
    for (const pid of [...this.frozen]) this.resume(pid);
  }
}

/** The client side of the protocol as the round uses it, recording what the test needs to know. */
export class RecordingCoordination implements RunCoordination {
  credentials: RunCredentials | undefined;
  readonly abandoned: number[] = [];
  readonly announced: FailureEndOutcome[] = [];

  createRunCredentials(): RunCredentials {
    this.credentials = createRunCredentials();
    return this.credentials;
  }

  async abandonSlave(request: {
    amqpUrl: string;
    runId: string;
    signingKey: string;
    slave: number;
  }): Promise<AbandonOutcome> {
    this.abandoned.push(request.slave);
    return abandonSlave(request);
  }

  async clearRun(request: { amqpUrl: string; runId: string }): Promise<void> {
    await clearEndRecord(request.amqpUrl, request.runId);
  }

  async announceLeaderFailure(request: LeaderFailureRequest): Promise<FailureEndOutcome> {
    const outcome = await announceLeaderFailure(request);
    this.announced.push(outcome);
    return outcome;
  }

  /** The run's credentials, once the round has created them. */
  async run(): Promise<RunCredentials> {
    return waitFor('the run credentials', () => this.credentials);
  }
}

/** An embedded controller holding a deployed manifest, and the executors made on it. */
export interface DeployedLab {
  readonly whisk: LocalWhisk;
  /** A new executor on the controller (closed with the lab). */
  executor(): FunctionExecutor;
  close(): Promise<void>;
}

/** What {@link startDeployedLab} deploys, and how. */
export interface DeployedLabOptions {
  readonly manifest: Manifest;
  /** Activations per container (1: a container is one party, for fault tests). */
  readonly concurrency: number;
  /** Package parameters bound next to the fault runs' defaults. Default none. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** The controller's hook, called when it gives a container to an action. */
  readonly onContainerAssigned?: (container: ContainerInfo) => void;
}

/**
 * Starts the embedded controller without prewarmed containers (a fresh one per test, so that no warm
 * container from an earlier run serves an activation before it can be acted on) and deploys the
 * manifest with the fault runs' defaults (`expiresMs`, `heartbeatMs`) as package parameters, the way
 * an operator would bind them.
 */
export async function startDeployedLab(options: DeployedLabOptions): Promise<DeployedLab> {
  const { concurrency, onContainerAssigned } = options;
  const whisk = await startLocalWhisk({
    concurrencyOverride: concurrency,
    prewarmContainers: 0,
    ...(onContainerAssigned === undefined ? {} : { onContainerAssigned }),
  });
  const client = openwhisk({ apihost: whisk.apihost, api_key: whisk.auth });
  const withDefaults: Manifest = {
    ...options.manifest,
    packages: options.manifest.packages.map((pkg) => ({
      ...pkg,
      inputs: {
        ...pkg.inputs,
        ...options.inputs,
        expiresMs: FAULT_EXPIRES_MS,
        heartbeatMs: FAULT_HEARTBEAT_MS,
      },
    })),
  };
  await deployManifest(client, withDefaults, { extraLimits: { concurrency } });
  const executors: FunctionExecutor[] = [];
  return {
    whisk,
    executor: () => {
      const executor = new FunctionExecutor({
        target: 'local',
        localWhisk: whisk,
        poll: { initialMs: 20, maxMs: 200 },
      });
      executors.push(executor);
      return executor;
    },
    close: async () => {
      await Promise.all(executors.map((e) => e.close().catch(() => undefined)));
      await whisk.close();
    },
  };
}

/** An embedded controller holding the deployed actions, for fault-injection rounds. */
export interface FaultLab extends DeployedLab {
  watch(decide: (container: ContainerInfo) => ContainerDecision): ContainerWatch;
  /** Pid of the container running slave `id`'s latest invocation made by `executor`. */
  slavePid(executor: FunctionExecutor, id: number): Promise<number>;
  /** Pid of the container running the leader invoked by `executor`. */
  leaderPid(executor: FunctionExecutor): Promise<number>;
}

/** Pid of the container running the latest activation `executor` made that matches `which`. */
function containerOf(
  whisk: LocalWhisk,
  executor: FunctionExecutor,
  which: (future: FunctionExecutor['futures'][number]) => boolean,
): number | undefined {
  const activation = executor.futures.filter(which).at(-1)?.activationId;
  if (activation === undefined) return undefined;
  return whisk.containers().find((c) => c.activations.includes(activation))?.pid;
}

/** Builds the action bundles when they are missing or older than their sources. */
export async function buildBundles(): Promise<void> {
  await ensureBundles(ROOT);
}

/** {@link startDeployedLab} with manifest.yaml, one activation per container, and container watches. */
export async function startFaultLab(): Promise<FaultLab> {
  let current: ContainerWatch | undefined;
  const lab = await startDeployedLab({
    manifest: loadManifest(join(ROOT, 'manifest.yaml')),
    concurrency: 1,
    inputs: { amqpUrl: AMQP_URL },
    onContainerAssigned: (container) => {
      current?.apply(container);
    },
  });
  const { whisk } = lab;
  return {
    ...lab,
    watch: (decide) => {
      current?.stop();
      current = new ContainerWatch(decide);
      return current;
    },
    slavePid: (executor, id) =>
      waitFor(`the container of slave ${id}`, () =>
        containerOf(whisk, executor, (f) => f.action === DEFAULT_SLAVE_ACTION && f.params.id === id),
      ),
    leaderPid: (executor) =>
      waitFor('the leader container', () =>
        containerOf(whisk, executor, (f) => f.action === DEFAULT_LEADER_ACTION),
      ),
  };
}

/**
 * Replays the first message waiting in `queue`: a byte-for-byte copy goes to the back of the queue and
 * the original is put back, as an intruder who captured it would do. Returns the replayed body.
 */
export async function replayFirstMessage(queue: string): Promise<Buffer> {
  const { connect } = await import('amqplib');
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const message = await channel.get(queue, { noAck: false });
    if (message === false) throw new Error(`${queue} holds no message to replay`);
    channel.sendToQueue(queue, message.content);
    await channel.waitForConfirms();
    channel.nack(message, false, true);
    await channel.close();
    return message.content;
  } finally {
    await connection.close();
  }
}
