import { WhiskSyncError } from '../errors.js';

/** One `{key, value}` entry of an activation's annotations. */
export interface Annotation {
  readonly key: string;
  readonly value: unknown;
}

/** The parts of an OpenWhisk activation record the executor reads. */
export interface ActivationRecord {
  readonly activationId: string;
  readonly name?: string;
  readonly namespace?: string;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly end: number;
  readonly duration: number;
  readonly logs?: readonly string[];
  readonly response: {
    readonly status: string;
    readonly success: boolean;
    readonly result?: Readonly<Record<string, unknown>>;
  };
  readonly annotations?: readonly Annotation[];
}

/**
 * The two calls the executor makes against OpenWhisk. The default implementation is the openwhisk SDK
 * ({@link createSdkTransport}); tests may pass a stub.
 */
export interface WhiskTransport {
  /** Non-blocking invoke; resolves to the activation id. Throws {@link TransportError}. */
  invoke(action: string, params: Readonly<Record<string, unknown>>): Promise<string>;
  /**
   * The finished activation's record, or `undefined` while it has not finished (OpenWhisk answers 404
   * until then). Throws {@link TransportError}.
   */
  getActivation(activationId: string): Promise<ActivationRecord | undefined>;
}

/** A failed request: `statusCode` is the HTTP status, or undefined when there was no HTTP answer. */
export class TransportError extends WhiskSyncError {
  override readonly name = 'TransportError';
  readonly code = 'TRANSPORT_FAILED';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
  }
}
