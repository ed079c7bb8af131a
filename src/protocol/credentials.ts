import { randomBytes } from 'node:crypto';

/** What the client creates once per run and passes to every action of the run. */
export interface RunCredentials {
  /** Names the run's queues and exchanges; matches the `runId` rule (16 hex digits). */
  readonly runId: string;
  /** 256-bit HMAC key (base64url). Secret: never log it or put it in results. */
  readonly signingKey: string;
}

/** Creates a fresh run id and signing key from the system's secure random source. */
export function createRunCredentials(): RunCredentials {
  return { runId: randomBytes(8).toString('hex'), signingKey: randomBytes(32).toString('base64url') };
}

/** A random identifier of one activation (slave nonce, leader epoch, client nonce): 12 hex digits. */
export function activationNonce(): string {
  return randomBytes(6).toString('hex');
}
