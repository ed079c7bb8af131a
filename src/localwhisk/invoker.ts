import { STATUS_OF, type ActivationRecord, type RunKind } from './activation-record.js';
import type { ActivationStore } from './activation-store.js';
import type { ContainerPool, Lease, PoolAction } from './container-pool.js';
import { actionPath, annotation, type ActionDoc, type KeyValue } from './entities.js';
import { isSequence } from './exec.js';
import type { NativeAction } from './native-action.js';
import { responseTooBig, systemShutdown, timedOut } from './messages.js';
import type { NamespaceThrottle } from './throttle.js';
import { randomId } from './random-id.js';

/** Settings the invoker needs from the controller. */
export interface InvokerSettings {
  readonly namespace: string;
  readonly subject: string;
  readonly apihost: string;
  readonly auth: string;
  readonly resultLimitBytes: number;
  readonly defaultConcurrency: number;
  readonly concurrencyOverride: number | undefined;
}

/** What the record of an activation started by another (a sequence, a rule) adds. */
export interface InvokeContext {
  /** Extra annotations, e.g. `causedBy: sequence` or `binding`. */
  readonly annotations?: readonly KeyValue[];
  /** The activation id of the sequence this activation is a component of. */
  readonly cause?: string;
}

/** An accepted invocation: its id at once, its finished (and stored) record later. */
export interface Invocation {
  readonly activationId: string;
  readonly done: Promise<ActivationRecord>;
}

interface Outcome {
  readonly kind: RunKind;
  readonly result: Record<string, unknown>;
  readonly logs: readonly string[];
  readonly start: number;
  readonly initMs: number | undefined;
  readonly timedOut: boolean;
  /** Size of a result the action returned, as JSON; absent for small ones the controller made. */
  readonly resultBytes?: number;
}

/** Runs activations: throttling, placing each in a container, time limit, and the finished record. */
export class Invoker {
  private closing = false;

  constructor(
    private readonly settings: InvokerSettings,
    private readonly pool: ContainerPool,
    private readonly store: ActivationStore,
    private readonly throttle: NamespaceThrottle,
  ) {}

  /** Throws a 429 HttpError when a throttle refuses; otherwise the activation is under way. */
  invoke(action: ActionDoc, params: Record<string, unknown>, context: InvokeContext = {}): Invocation {
    this.throttle.admit();
    const activationId = randomId();
    const received = Date.now();
    const run = action.native
      ? this.executeNative(action, action.native, params)
      : this.execute(action, params, activationId);
    const done = run
      .then((outcome) => {
        const record = this.record(action, activationId, received, outcome, context);
        this.store.add(record, outcome.resultBytes);
        return record;
      })
      .finally(() => {
        this.throttle.release();
      });
    return { activationId, done };
  }

  /** From now on activations cut short by the shutdown end as internal errors. */
  markClosing(): void {
    this.closing = true;
  }

  private poolAction(action: ActionDoc): PoolAction {
    if (isSequence(action.exec)) throw new Error(`${actionPath(action)} is a sequence, not code`);
    const capacity =
      this.settings.concurrencyOverride ??
      (action.concurrencySet ? action.limits.concurrency : this.settings.defaultConcurrency);
    return {
      path: actionPath(action),
      version: `${action.version}/${action.updated}`,
      code: action.exec.code,
      main: action.exec.main ?? 'main',
      binary: action.exec.binary,
      memoryMb: action.limits.memory,
      timeoutMs: action.limits.timeout,
      capacity,
    };
  }

  private async execute(action: ActionDoc, params: Record<string, unknown>, id: string): Promise<Outcome> {
    const lease: Lease = this.pool.assign(this.poolAction(action), id);
    const ready = await lease.ready;
    const initMs = lease.cold && ready.ok ? ready.initMs : undefined;
    if (!ready.ok) {
      this.pool.release(lease, id, true);
      const kind: RunKind = ready.internal || this.closing ? 'internal' : 'developer';
      const error = this.closing ? systemShutdown : ready.error;
      const timed = error === timedOut(action.limits.timeout, true);
      return {
        kind,
        result: { error },
        logs: ready.logs,
        start: ready.initStart,
        initMs: undefined,
        timedOut: timed,
      };
    }
    const runStart = Date.now();
    const timeoutMs = action.limits.timeout;
    const clock = { timedOut: false };
    const timer = setTimeout(() => {
      clock.timedOut = true;
      ready.container.kill(timedOut(timeoutMs, false), id);
    }, timeoutMs);
    const outcome = await ready.container.run(
      id,
      params,
      this.runEnv(action, id, runStart + timeoutMs),
      action.limits.logs * 1024 * 1024,
    );
    clearTimeout(timer);
    this.pool.release(lease, id, outcome.kind === 'developer');
    const logs = lease.cold ? [...ready.logs, ...outcome.logs] : outcome.logs;
    const start = lease.cold ? ready.initStart : runStart;
    if (this.closing && !clock.timedOut && outcome.kind === 'developer') {
      return { kind: 'internal', result: { error: systemShutdown }, logs, start, initMs, timedOut: false };
    }
    const size = outcome.resultBytes ?? Buffer.byteLength(JSON.stringify(outcome.result));
    if (size > this.settings.resultLimitBytes) {
      const error = responseTooBig(size, this.settings.resultLimitBytes);
      return { kind: 'application', result: { error }, logs, start, initMs, timedOut: false };
    }
    return {
      kind: outcome.kind,
      result: outcome.result,
      logs,
      start,
      initMs,
      timedOut: clock.timedOut,
      resultBytes: size,
    };
  }

  // In-process catalog actions (feeds): no container, the same record.
  private async executeNative(
    action: ActionDoc,
    native: NativeAction,
    params: Record<string, unknown>,
  ): Promise<Outcome> {
    const start = Date.now();
    const outcome = await native(params, this.settings.namespace);
    const base = { logs: [], start, initMs: undefined, timedOut: false };
    if (outcome.ok) return { ...base, kind: 'success', result: outcome.result };
    return { ...base, kind: 'application', result: { error: outcome.error } };
  }

  // The variables the Node.js runtime sets per activation.
  private runEnv(action: ActionDoc, id: string, deadline: number): Record<string, string> {
    const env: Record<string, string> = {
      __OW_ACTIVATION_ID: id,
      __OW_ACTION_NAME: actionPath(action),
      __OW_ACTION_VERSION: action.version,
      __OW_NAMESPACE: this.settings.namespace,
      __OW_DEADLINE: String(deadline),
      __OW_TRANSACTION_ID: randomId(),
      __OW_API_HOST: this.settings.apihost,
    };
    if (annotation(action, 'provide-api-key') === true) env['__OW_API_KEY'] = this.settings.auth;
    return env;
  }

  private record(
    action: ActionDoc,
    activationId: string,
    received: number,
    outcome: Outcome,
    context: InvokeContext,
  ): ActivationRecord {
    const end = Date.now();
    const { status, statusCode } = STATUS_OF[outcome.kind];
    const annotations: KeyValue[] = [
      { key: 'path', value: actionPath(action).slice(1) },
      { key: 'waitTime', value: Math.max(0, outcome.start - received) },
      { key: 'kind', value: action.exec.kind },
      { key: 'timeout', value: outcome.timedOut },
      { key: 'limits', value: action.limits },
      ...(context.annotations ?? []),
    ];
    if (outcome.initMs !== undefined) annotations.push({ key: 'initTime', value: outcome.initMs });
    return {
      activationId,
      namespace: this.settings.namespace,
      name: action.name,
      version: action.version,
      subject: this.settings.subject,
      publish: false,
      start: outcome.start,
      end,
      duration: end - outcome.start,
      statusCode,
      response: { status, statusCode, success: outcome.kind === 'success', result: outcome.result },
      logs: outcome.logs,
      annotations,
      ...(context.cause === undefined ? {} : { cause: context.cause }),
    };
  }
}
