import type { KeyValue } from './entities.js';

/** `response.status` values, as OpenWhisk spells them. */
export type ActivationStatus =
  'success' | 'application error' | 'action developer error' | 'whisk internal error';

/** How a run ended, before it is written into a record. */
export type RunKind = 'success' | 'application' | 'developer' | 'internal';

export const STATUS_OF: Record<RunKind, { status: ActivationStatus; statusCode: number }> = {
  success: { status: 'success', statusCode: 0 },
  application: { status: 'application error', statusCode: 1 },
  developer: { status: 'action developer error', statusCode: 2 },
  internal: { status: 'whisk internal error', statusCode: 3 },
};

/** An activation record shaped like OpenWhisk's. */
export interface ActivationRecord {
  readonly activationId: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly subject: string;
  readonly publish: false;
  readonly start: number;
  readonly end: number;
  readonly duration: number;
  readonly statusCode: number;
  readonly response: {
    readonly status: ActivationStatus;
    readonly statusCode: number;
    readonly success: boolean;
    readonly result: Record<string, unknown>;
  };
  readonly logs: readonly string[];
  readonly annotations: readonly KeyValue[];
  /** The activation (a sequence) that started this one. */
  readonly cause?: string;
}
