import { Container, type ContainerSpec, type InitOutcome } from './container.js';
import type { ContainerInfo } from './container-info.js';
import { timedOut } from './messages.js';

/** What an action needs from the pool: identity, code and the limits its containers run under. */
export interface PoolAction {
  /** `/ns/[pkg/]name`. */
  readonly path: string;
  /** Changes whenever the action is updated: containers of an older version are never reused. */
  readonly version: string;
  readonly code: string;
  readonly main: string;
  /** `code` is a base64 zip. */
  readonly binary: boolean;
  readonly memoryMb: number;
  readonly timeoutMs: number;
  /** Activations one container serves at once. */
  readonly capacity: number;
}

/** A container ready to run, or why there is none. */
export type Readiness =
  | {
      readonly ok: true;
      readonly container: Container;
      readonly initMs: number;
      readonly initStart: number;
      readonly logs: readonly string[];
    }
  | {
      readonly ok: false;
      readonly internal: boolean;
      readonly error: string;
      readonly initStart: number;
      readonly logs: readonly string[];
    };

/** One activation's place in a container. */
export interface Lease {
  /** True when the activation waited for its container to be started and initialized. */
  readonly cold: boolean;
  readonly ready: Promise<Readiness>;
  readonly slot: Slot;
}

interface Slot {
  readonly key: string;
  readonly path: string;
  readonly capacity: number;
  readonly activations: Set<string>;
  readonly ready: Promise<Readiness>;
  container: Container | undefined;
  started: boolean;
  draining: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

export interface PoolOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly idleContainerMs: number;
  readonly prewarmContainers: number;
  readonly prewarmMemoryMb: number;
  readonly memoryCheckIntervalMs: number;
  readonly onContainerAssigned: ((container: ContainerInfo) => void) | undefined;
}

/**
 * Containers per action version. An activation goes to a container of its action with a free place
 * (including one still starting, so a burst shares containers instead of starting one each); otherwise a
 * new container is started, from the prewarmed ones when the memory size matches.
 */
export class ContainerPool {
  private readonly slots = new Map<string, Slot[]>();
  private readonly prewarmed: Promise<Container | undefined>[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.refillPrewarmed();
  }

  /** Places an activation; the lease's `ready` settles once the container can run it. */
  assign(action: PoolAction, activationId: string): Lease {
    const key = `${action.path}@${action.version}`;
    const slots = this.slots.get(key) ?? [];
    this.slots.set(key, slots);
    let slot = slots.find((s) => !s.draining && s.activations.size < s.capacity);
    if (!slot) {
      slot = this.newSlot(key, action);
      slots.push(slot);
    }
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.activations.add(activationId);
    return { cold: !slot.started, ready: slot.ready, slot };
  }

  /** The activation is done; `discard` retires its container (a developer error means it is unhealthy). */
  release(lease: Lease, activationId: string, discard: boolean): void {
    const slot = lease.slot;
    slot.activations.delete(activationId);
    if (discard) this.drain(slot);
    if (slot.activations.size > 0) return;
    if (slot.draining) {
      this.remove(slot);
      return;
    }
    slot.idleTimer = setTimeout(() => {
      this.remove(slot);
    }, this.options.idleContainerMs);
    slot.idleTimer.unref();
  }

  /** Stops reusing every container of `path` (updated or deleted action); they stop once idle. */
  retire(path: string): void {
    for (const slots of this.slots.values()) {
      for (const slot of [...slots]) {
        if (slot.path !== path) continue;
        this.drain(slot);
        if (slot.activations.size === 0) this.remove(slot);
      }
    }
  }

  /** Live containers, for inspection. */
  list(): ContainerInfo[] {
    const out: ContainerInfo[] = [];
    for (const slots of this.slots.values()) {
      for (const slot of slots) {
        if (slot.container?.isAlive === true) {
          out.push({ pid: slot.container.pid, action: slot.path, activations: [...slot.activations] });
        }
      }
    }
    return out;
  }

  /** Kills every container, prewarmed ones included, and waits until each process has exited. */
  async close(message: string): Promise<void> {
    this.closed = true;
    const slots = [...this.slots.values()].flat();
    this.slots.clear();
    for (const slot of slots) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.container?.kill(message);
    }
    const prewarmed = await Promise.all(this.prewarmed.splice(0));
    // A slot still starting sets its container once the process is up, then sees `closed`: stop those too.
    await Promise.all(slots.map((slot) => slot.ready));
    const containers = [
      ...slots.flatMap((slot) => slot.container ?? []),
      ...prewarmed.flatMap((c) => c ?? []),
    ];
    for (const c of containers) c.kill(message);
    await Promise.all(containers.map((c) => c.exited));
  }

  private spec(memoryMb: number): ContainerSpec {
    return { memoryMb, env: this.options.env, memoryCheckIntervalMs: this.options.memoryCheckIntervalMs };
  }

  private refillPrewarmed(): void {
    while (!this.closed && this.prewarmed.length < this.options.prewarmContainers) {
      this.prewarmed.push(Container.start(this.spec(this.options.prewarmMemoryMb)).catch(() => undefined));
    }
  }

  private async startContainer(memoryMb: number): Promise<Container> {
    if (memoryMb === this.options.prewarmMemoryMb) {
      const prewarmed = this.prewarmed.shift();
      this.refillPrewarmed();
      const container = await prewarmed;
      if (container?.isAlive === true) return container;
    }
    return Container.start(this.spec(memoryMb));
  }

  private newSlot(key: string, action: PoolAction): Slot {
    let settle: (readiness: Readiness) => void = () => undefined;
    const slot: Slot = {
      key,
      path: action.path,
      capacity: action.capacity,
      activations: new Set(),
      ready: new Promise<Readiness>((resolve) => (settle = resolve)),
      container: undefined,
      started: false,
      draining: false,
      idleTimer: undefined,
    };
    void this.prepare(slot, action).then(settle);
    return slot;
  }

  private async prepare(slot: Slot, action: PoolAction): Promise<Readiness> {
    let initStart = Date.now();
    let container: Container;
    try {
      container = await this.startContainer(action.memoryMb);
    } catch {
      slot.started = true;
      this.drain(slot);
      return {
        ok: false,
        internal: true,
        error: 'Failed to provision resources to run the action.',
        initStart,
        logs: [],
      };
    }
    slot.container = container;
    if (this.closed) {
      slot.started = true;
      return { ok: false, internal: true, error: 'The controller is shutting down.', initStart, logs: [] };
    }
    void container.exited.then(() => {
      this.drain(slot);
      if (slot.activations.size === 0) this.remove(slot);
    });
    this.options.onContainerAssigned?.({
      pid: container.pid,
      action: slot.path,
      activations: [...slot.activations],
    });
    initStart = Date.now();
    const initTimer = setTimeout(() => {
      container.kill(timedOut(action.timeoutMs, true));
    }, action.timeoutMs);
    const init: InitOutcome = await container.init(action.code, action.main, action.binary);
    clearTimeout(initTimer);
    slot.started = true;
    if (init.error !== undefined) {
      this.drain(slot);
      container.kill(init.error);
      return { ok: false, internal: false, error: init.error, initStart, logs: init.logs };
    }
    return { ok: true, container, initMs: Date.now() - initStart, initStart, logs: init.logs };
  }

  private drain(slot: Slot): void {
    slot.draining = true;
  }

  private remove(slot: Slot): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    const slots = this.slots.get(slot.key);
    if (slots) {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      if (slots.length === 0) this.slots.delete(slot.key);
    }
    slot.container?.kill('The container was stopped.');
  }
}
