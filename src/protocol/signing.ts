import { createHmac, timingSafeEqual } from 'node:crypto';

/** Length of a base64url HMAC-SHA256 signature. */
export const SIGNATURE_LENGTH = 43;

/** HMAC-SHA256 of `body` under the run's key, base64url-encoded. */
export function sign(body: string, key: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('base64url');
}

/**
 * A short public fingerprint of the run's key (an HMAC of a fixed text under it): two runs that share
 * a run id but not a key tell each other apart by it, and it reveals nothing usable about the key.
 */
export function keyFingerprint(key: string): string {
  return sign('whisk-sync run key fingerprint', key).slice(0, 16);
}

/** Constant-time check of a signature, so timing reveals nothing about the key. */
export function verify(body: string, signature: string, key: string): boolean {
  const expected = Buffer.from(sign(body, key), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
