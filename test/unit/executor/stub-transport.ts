import type { Clock } from '../../../src/executor/clock.js';
import {
  TransportError,
  type ActivationRecord,
  type WhiskTransport,
} from '../../../src/executor/transport.js';

/** How the stub platform treats one invocation. */
export interface StubPlan {
  /** 429 answers before the invocation is accepted. Default 0; `Infinity` throttles forever. */
  readonly throttle?: number;
  /** Refuse the invocation with this HTTP status (undefined status: a network failure). */
  readonly refuse?: { readonly status: number | undefined; readonly message: string };
  /** Virtual run time from acceptance to the record being readable. Default 100 ms. */
  readonly durationMs?: number;
  /** Default `success` with `result`. */
  readonly status?: string;
  readonly result?: Record<string, unknown>;
  readonly logs?: string[];
  /** GET failures (HTTP status, undefined: network) answered before the real answers. */
  readonly getFailures?: readonly (number | undefined)[];
}

interface Pending {
  readonly finishAt: number;
  readonly record: ActivationRecord;
  readonly getFailures: (number | undefined)[];
}

/**
 * Stub of the OpenWhisk REST API as seen through {@link WhiskTransport}: accepts invocations according to
 * a plan per call, answers "not finished" (404) until the planned run time has passed in virtual time.
 */
export class StubTransport implements WhiskTransport {
  readonly invocations: { action: string; params: Readonly<Record<string, unknown>>; accepted: boolean }[] =
    [];
  gets = 0;
  readonly #clock: Clock;
  readonly #plan: (action: string, params: Readonly<Record<string, unknown>>) => StubPlan;
  readonly #throttledSoFar = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  #nextId = 0;

  constructor(
    clock: Clock,
    plan: (action: string, params: Readonly<Record<string, unknown>>) => StubPlan = () => ({}),
  ) {
    this.#clock = clock;
    this.#plan = plan;
  }

  async invoke(action: string, params: Readonly<Record<string, unknown>>): Promise<string> {
    await Promise.resolve();
    const plan = this.#plan(action, params);
    const key = JSON.stringify([action, params]);
    const throttled = this.#throttledSoFar.get(key) ?? 0;
    if (throttled < (plan.throttle ?? 0)) {
      this.#throttledSoFar.set(key, throttled + 1);
      this.invocations.push({ action, params, accepted: false });
      throw new TransportError('Too many concurrent requests in flight (count: 3, allowed: 2).', 429);
    }
    if (plan.refuse !== undefined) {
      this.invocations.push({ action, params, accepted: false });
      throw new TransportError(plan.refuse.message, plan.refuse.status);
    }
    this.invocations.push({ action, params, accepted: true });
    const activationId = `stub${String(this.#nextId++).padStart(4, '0')}`;
    const durationMs = plan.durationMs ?? 100;
    const start = 1_700_000_000_000 + this.#clock.now();
    const status = plan.status ?? 'success';
    this.#pending.set(activationId, {
      finishAt: this.#clock.now() + durationMs,
      getFailures: [...(plan.getFailures ?? [])],
      record: {
        activationId,
        name: action,
        start,
        end: start + durationMs,
        duration: durationMs,
        logs: plan.logs ?? [],
        response: { status, success: status === 'success', result: plan.result ?? {} },
        annotations: [
          { key: 'waitTime', value: 7 },
          { key: 'initTime', value: 30 },
        ],
      },
    });
    return activationId;
  }

  async getActivation(activationId: string): Promise<ActivationRecord | undefined> {
    this.gets++;
    await this.#clock.sleep(2);
    const pending = this.#pending.get(activationId);
    if (pending === undefined) return undefined;
    if (pending.getFailures.length > 0) {
      const status = pending.getFailures.shift();
      throw new TransportError(
        status === undefined ? 'connect ECONNREFUSED' : 'Internal Server Error',
        status,
      );
    }
    return this.#clock.now() >= pending.finishAt ? pending.record : undefined;
  }
}
