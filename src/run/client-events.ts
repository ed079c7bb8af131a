import { AbortedError, ActivationError, ExecutorTimeoutError } from '../executor/errors.js';
import type { ResponseFuture } from '../executor/future.js';
import type { EndEvent, HistoryEvent, InvokeEvent } from '../history/event.js';

type Role = 'leader' | 'slave';

/** The client's own history events of a round: when it invoked each activation and saw it end. */
export class ClientEvents {
  readonly events: HistoryEvent[] = [];

  constructor(
    private readonly runId: string,
    private readonly now: () => number,
  ) {}

  invoked(role: Role, future: ResponseFuture<object>, slave?: number): void {
    const event: InvokeEvent = {
      type: 'invoke',
      actor: 'client',
      role,
      runId: this.runId,
      t: this.now(),
      step: this.events.length,
      ...(slave === undefined ? {} : { slave }),
      ...(future.activationId === undefined ? {} : { activationId: future.activationId }),
    };
    this.events.push(event);
  }

  /**
   * @param error - what the wait for the result threw, if anything: a wait that timed out or was
   *   given up ended without the activation's own failure
   */
  ended(role: Role, future: ResponseFuture<object>, slave?: number, error?: unknown): void {
    const event: EndEvent = {
      type: 'end',
      actor: 'client',
      role,
      runId: this.runId,
      t: this.now(),
      step: this.events.length,
      status: endStatus(future.error ?? error),
      ...(slave === undefined ? {} : { slave }),
      ...(future.activationId === undefined ? {} : { activationId: future.activationId }),
    };
    this.events.push(event);
  }
}

function endStatus(error: unknown): EndEvent['status'] {
  if (error === undefined) return 'success';
  if (error instanceof ActivationError) return error.status;
  if (error instanceof ExecutorTimeoutError) return 'timeout';
  // The client stopped waiting (the leader failed): as far as it knows, the activation never ended.
  if (error instanceof AbortedError) return 'timeout';
  return 'whisk internal error';
}
