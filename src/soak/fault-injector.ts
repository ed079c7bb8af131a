import type { ChannelModel } from 'amqplib';

import { runNames } from '../broker/names.js';
import type { ContainerInfo } from '../localwhisk/index.js';
import type { RunCredentials } from '../protocol/credentials.js';
import type { BrokerEvent } from './broker-events.js';
import { closeConnection, connectionNameOf } from './connections.js';
import { forgedMessages } from './forged-messages.js';
import { publishRaw } from './inject.js';
import type { FaultPlan } from './plan.js';
import type { RunEntity } from './run-topology.js';
import { firstLine } from './first-line.js';
import { isAlive, signal } from './signals.js';

/** What the injector needs from the round it hits. */
export interface FaultScene {
  /** Live containers of the round's controller. */
  readonly containers: () => readonly ContainerInfo[];
  /** The run's credentials once the round has made them. */
  readonly credentials: () => RunCredentials | undefined;
  /** Where forged messages are published from. */
  readonly connection: ChannelModel;
}

/**
 * Carries out one round's {@link FaultPlan} as the round unfolds: the controller's `onContainerAssigned`
 * hook, the broker's connection events and the run's topology events drive it, so even a sub-second
 * run is hit. It counts what actually reached a live party (`hits`): a container that had already
 * finished its activations, or a run that ended before the fault was due, is a miss.
 */
export class FaultInjector {
  /** Fault actions that reached a live party. */
  hits = 0;
  /** One line per fault action taken or failed, for the round's details. */
  readonly log: string[] = [];
  #slaveContainers = 0;
  #targetPid: number | undefined;
  #stopped = false;
  #closing = false;
  readonly #paused = new Set<number>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly fault: FaultPlan,
    private readonly scene: FaultScene,
  ) {}

  /** The controller's hook: a container has just been given to an action, before its code runs. */
  readonly containerAssigned = (container: ContainerInfo): void => {
    const { fault } = this;
    if (this.#stopped || fault.kind === 'none' || fault.kind === 'inject') return;
    const isLeader = container.action.endsWith('/leader');
    const index = isLeader ? -1 : this.#slaveContainers++;
    const chosen = fault.target.role === 'leader' ? isLeader : index === fault.target.container;
    if (!chosen || this.#targetPid !== undefined) return;
    const pid = container.pid;
    this.#targetPid = pid;
    // Its connection comes later, once its code runs: brokerEvent closes it then. One seen before
    // would be another process's that once had the same pid.
    if (fault.kind === 'close-connection') return;
    this.#at(fault.delayMs, () => {
      if (!this.#busy(pid, fault.delayMs)) {
        this.log.push(`pid ${pid} was idle: ${fault.kind} missed`);
        return;
      }
      if (fault.kind === 'kill') {
        signal(pid, 'SIGKILL');
        this.log.push(`SIGKILL pid ${pid}`);
      } else {
        signal(pid, 'SIGSTOP');
        this.#paused.add(pid);
        this.log.push(`SIGSTOP pid ${pid} for ${fault.pauseMs} ms`);
        this.#at(fault.pauseMs, () => {
          this.#resume(pid);
        });
      }
      this.hits++;
    });
  };

  /** The broker's events listener: closes the target container's connection when it opens. */
  readonly brokerEvent = (event: BrokerEvent): void => {
    const { fault } = this;
    if (event.kind !== 'connection' || this.#stopped || fault.kind !== 'close-connection') return;
    // Once: a container that reconnects afterwards is the run's recovery, not a second fault.
    if (this.#targetPid !== undefined && !this.#closing && event.name === connectionNameOf(this.#targetPid)) {
      this.#closing = true;
      this.#closeLater(event.connectionPid, fault.delayMs);
    }
  };

  /** The run's topology listener: injects into every queue and exchange of the run as it appears. */
  readonly entityCreated = (entity: RunEntity): void => {
    const { fault } = this;
    const credentials = this.scene.credentials();
    if (this.#stopped || fault.kind !== 'inject' || credentials === undefined) return;
    const site = entity.name === runNames(credentials.runId).leaderQueue ? 'leader' : 'log';
    const bodies = forgedMessages(credentials.runId, credentials.signingKey, site, fault.value);
    const into = entity.entity === 'queue' ? { queue: entity.name } : { exchange: entity.name };
    this.#track(
      publishRaw(this.scene.connection, into, bodies).then(
        (routed) => {
          if (routed > 0) this.hits++;
          this.log.push(
            `${routed} of ${bodies.length} forged messages reached ${entity.entity} ${entity.name}`,
          );
        },
        () => this.log.push(`${entity.entity} ${entity.name} was gone before the injection`),
      ),
    );
  };

  /** Stops injecting, resumes every paused container and waits for fault actions under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const pid of [...this.#paused]) this.#resume(pid);
    await Promise.all([...this.#pending]);
  }

  #resume(pid: number): void {
    if (!this.#paused.delete(pid)) return;
    signal(pid, 'SIGCONT');
    this.log.push(`SIGCONT pid ${pid}`);
  }

  /** A container still serving an activation; at delay 0 it is the one just assigned, before its code. */
  #busy(pid: number, delayMs: number): boolean {
    if (!isAlive(pid)) return false;
    if (delayMs === 0) return true;
    return this.scene.containers().some((c) => c.pid === pid && c.activations.length > 0);
  }

  #closeLater(connectionPid: string, delayMs: number): void {
    const pid = this.#targetPid;
    this.#at(delayMs, () => {
      if (pid === undefined || !this.#busy(pid, 1)) {
        this.log.push(`pid ${String(pid)} was idle: close-connection missed`);
        return;
      }
      this.#track(
        closeConnection(connectionPid, 'closed by the whisk-sync fault soak').then(
          () => {
            this.hits++;
            this.log.push(`closed connection ${connectionPid} of pid ${pid}`);
          },
          (error: unknown) => this.log.push(`could not close connection of pid ${pid}: ${firstLine(error)}`),
        ),
      );
    });
  }

  #at(delayMs: number, action: () => void): void {
    if (delayMs === 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) action();
    }, delayMs);
    this.#timers.add(timer);
  }

  #track(work: Promise<unknown>): void {
    const done = work.then(() => undefined);
    this.#pending.add(done);
    void done.finally(() => this.#pending.delete(done));
  }
}
