import { ActivationError, type ActivationFailureStatus } from './errors.js';
import type { ActivationRecord } from './transport.js';

/** Timing of a finished activation, from its record. All times in milliseconds. */
export interface ActivationStats {
  /** Epoch ms when the action started running. */
  readonly start: number;
  /** Epoch ms when it finished. */
  readonly end: number;
  /** Run time as the platform measured it. */
  readonly duration: number;
  /** Time between the request's arrival and the start (queueing, container scheduling). */
  readonly waitTime: number | undefined;
  /** Cold-start initialization time; undefined on a warm container. */
  readonly initTime: number | undefined;
}

/** What a finished activation record means for its future. */
export type Outcome =
  | { readonly ok: true; readonly result: Readonly<Record<string, unknown>>; readonly stats: ActivationStats }
  | { readonly ok: false; readonly error: ActivationError; readonly stats: ActivationStats };

const FAILURE_STATUSES: readonly string[] = [
  'application error',
  'action developer error',
  'whisk internal error',
];

/** Interprets a finished record: `success` gives the result, every other status an {@link ActivationError}. */
export function interpretRecord(record: ActivationRecord, action: string): Outcome {
  const stats: ActivationStats = {
    start: record.start,
    end: record.end,
    duration: record.duration,
    waitTime: numericAnnotation(record, 'waitTime'),
    initTime: numericAnnotation(record, 'initTime'),
  };
  const result = record.response.result ?? {};
  if (record.response.status === 'success' && record.response.success) return { ok: true, result, stats };

  const status = (
    FAILURE_STATUSES.includes(record.response.status) ? record.response.status : 'whisk internal error'
  ) as ActivationFailureStatus;
  const error = new ActivationError(
    `activation ${record.activationId} of ${action} failed (${status}): ${describeErrorResult(result)}`,
    record.activationId,
    action,
    status,
    result,
    record.logs ?? [],
  );
  return { ok: false, error, stats };
}

function numericAnnotation(record: ActivationRecord, key: string): number | undefined {
  const value = record.annotations?.find((a) => a.key === key)?.value;
  return typeof value === 'number' ? value : undefined;
}

const MAX_DETAIL = 300;

function describeErrorResult(result: Readonly<Record<string, unknown>>): string {
  const detail = result['error'];
  const text =
    typeof detail === 'string'
      ? detail
      : detail === undefined
        ? JSON.stringify(result)
        : JSON.stringify(detail);
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}
