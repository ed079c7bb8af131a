import { belongsToRun } from '../broker/names.js';
import type { BrokerEvent } from './broker-events.js';

/** A queue or exchange of the run, as the broker named it. */
export interface RunEntity {
  readonly entity: 'queue' | 'exchange';
  readonly name: string;
}

/**
 * Follows one run's queues and exchanges through the broker's events: what exists now, and what was
 * created again after a party deleted it (topology re-created after the end, which lingers until its
 * `x-expires`). The broker removing an unused queue itself is the designed cleanup after a crash, so a
 * re-creation after that is not counted.
 */
export class RunTopology {
  #runId: string | undefined;
  readonly #live = new Map<string, RunEntity>();
  readonly #deletedByParty = new Set<string>();
  readonly #recreated: RunEntity[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #onCreated: (entity: RunEntity) => void;
  /** Queues and exchanges of the run the broker announced, in all. */
  created = 0;

  constructor(onCreated: (entity: RunEntity) => void = () => undefined) {
    this.#onCreated = onCreated;
  }

  /** Starts following run `runId`; events before this cannot concern it (its id did not exist). */
  follow(runId: string): void {
    this.#runId = runId;
  }

  /** The broker's events listener. */
  readonly observe = (event: BrokerEvent): void => {
    if (event.kind === 'connection' || this.#runId === undefined || !belongsToRun(event.name, this.#runId))
      return;
    const key = `${event.entity} ${event.name}`;
    const entity: RunEntity = { entity: event.entity, name: event.name };
    if (event.kind === 'created') {
      this.created++;
      if (this.#deletedByParty.has(key)) this.#recreated.push(entity);
      this.#live.set(key, entity);
      this.#onCreated(entity);
    } else {
      this.#live.delete(key);
      if (!event.internal) this.#deletedByParty.add(key);
      if (this.#live.size === 0) for (const wake of this.#waiters) wake();
    }
  };

  /** What exists now. */
  get live(): RunEntity[] {
    return [...this.#live.values()];
  }

  /** Entities created again after a party had deleted them. */
  get recreated(): readonly RunEntity[] {
    return this.#recreated;
  }

  /** Resolves with what is left once nothing of the run exists, or when `timeoutMs` has passed. */
  async settled(timeoutMs: number): Promise<RunEntity[]> {
    if (this.#live.size > 0) {
      let wake = (): void => undefined;
      const emptied = new Promise<void>((resolve) => (wake = resolve));
      this.#waiters.add(wake);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([emptied, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      this.#waiters.delete(wake);
    }
    return this.live;
  }
}
