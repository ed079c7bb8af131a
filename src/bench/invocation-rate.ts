import { FunctionExecutor } from '../executor/executor.js';
import { startLocalWhisk } from '../localwhisk/index.js';

/** How fast the executor gets activations accepted and run by the embedded controller. */
export interface InvocationRateFigures {
  /** Activations invoked. */
  readonly activations: number;
  /** Activations that did not succeed (0 unless something is wrong). */
  readonly failed: number;
  /** From the first invoke request to the last one accepted. */
  readonly acceptedMs: number;
  /** From the first invoke request to the end of the last activation, as its record says. */
  readonly completedMs: number;
  readonly acceptedPerSecond: number;
  readonly completedPerSecond: number;
  /** Most containers alive at once while they ran. */
  readonly containers: number;
}

/** The no-op action measured: it returns at once, so only invoking and dispatching cost time. */
export const NOOP_ACTION = 'whisk-sync-bench-noop';
const NOOP_CODE = 'function main() { return {}; }';
const WAIT_DEADLINE_MS = 120_000;

const perSecond = (count: number, ms: number): number =>
  ms <= 0 ? count * 1000 : Math.round((count * 1000) / ms);

/** Activations invoked (and not counted) before the measurement, so that it sees a warmed-up process. */
const WARM_UP = 200;

/**
 * Invokes `activations` no-op activations with `FunctionExecutor.map` (non-blocking invokes through the
 * openwhisk SDK over HTTP, the executor's default requests in flight) on a fresh embedded controller
 * whose no-op action shares each container among `concurrency` activations, and waits for all of them.
 * A first batch of {@link WARM_UP} activations starts a container and warms up the code paths; the
 * figures are of the second batch.
 */
export async function measureInvocationRate(
  activations: number,
  concurrency: number,
): Promise<InvocationRateFigures> {
  const localWhisk = await startLocalWhisk({
    prewarmContainers: 0,
    maxConcurrent: Math.max(activations, WARM_UP),
  });
  const executor = new FunctionExecutor({ target: 'local', localWhisk });
  try {
    const target = await executor.ready();
    if (target.client === undefined) throw new Error('the executor has no OpenWhisk client to deploy with');
    await target.client.actions.update({
      name: NOOP_ACTION,
      action: { exec: { kind: 'nodejs:default', code: NOOP_CODE }, limits: { concurrency } },
    });
    const warmUp = await executor.map(
      NOOP_ACTION,
      Array.from({ length: WARM_UP }, () => ({})),
    );
    await executor.wait(warmUp, { timeoutMs: WAIT_DEADLINE_MS });
    let containers = 0;
    const counting = setInterval(() => {
      containers = Math.max(containers, localWhisk.containers().length);
    }, 50);
    const started = Date.now();
    let accepted: number;
    let futures;
    try {
      futures = await executor.map(
        NOOP_ACTION,
        Array.from({ length: activations }, () => ({})),
      );
      accepted = Date.now();
      await executor.wait(futures, { timeoutMs: WAIT_DEADLINE_MS });
    } finally {
      clearInterval(counting);
    }
    containers = Math.max(containers, localWhisk.containers().length);
    const ends = futures.flatMap((f) => (f.stats === undefined ? [] : [f.stats.end]));
    const lastEnd = ends.reduce((a, b) => Math.max(a, b), started);
    const acceptedMs = accepted - started;
    const completedMs = lastEnd - started;
    return {
      activations,
      failed: futures.filter((f) => f.error !== undefined).length,
      acceptedMs,
      completedMs,
      acceptedPerSecond: perSecond(activations, acceptedMs),
      completedPerSecond: perSecond(activations, completedMs),
      containers,
    };
  } finally {
    await executor.close().catch(() => undefined);
    await localWhisk.close();
  }
}
