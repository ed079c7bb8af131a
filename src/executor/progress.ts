import type { ResponseFuture } from './future.js';

/** Counts of futures by state, for progress bars. Every future is in exactly one of the state counts. */
export interface Progress {
  readonly total: number;
  /** Not yet accepted by the platform. */
  readonly pending: number;
  /** Accepted, not yet seen unfinished by a poll. */
  readonly invoked: number;
  /** Accepted and seen unfinished (queued or running). */
  readonly running: number;
  /** Finished with `success`. */
  readonly succeeded: number;
  /** Finished with an error (action failure or refused invocation). */
  readonly failed: number;
  /** `succeeded + failed`. */
  readonly finished: number;
}

/** A progress listener; exceptions it throws are reported as process warnings and otherwise ignored. */
export type ProgressListener = (progress: Progress) => void;

/** Counts `futures` by state. */
export function countProgress(futures: readonly ResponseFuture<object>[]): Progress {
  let pending = 0;
  let invoked = 0;
  let running = 0;
  let succeeded = 0;
  let failed = 0;
  for (const f of futures) {
    switch (f.status) {
      case 'new':
        pending++;
        break;
      case 'invoked':
        invoked++;
        break;
      case 'running':
        running++;
        break;
      case 'success':
        succeeded++;
        break;
      case 'error':
        failed++;
        break;
    }
  }
  return {
    total: futures.length,
    pending,
    invoked,
    running,
    succeeded,
    failed,
    finished: succeeded + failed,
  };
}

/** Calls `listener` without letting its exception break the caller's loop. */
export function report(listener: ProgressListener | undefined, progress: () => Progress): void {
  if (listener === undefined) return;
  try {
    listener(progress());
  } catch (err) {
    process.emitWarning(`progress listener threw: ${err instanceof Error ? err.message : String(err)}`);
  }
}
