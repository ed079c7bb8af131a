import { createHash } from 'node:crypto';
import { canonicalJson } from './json-value.js';
import type { Entry } from './messages.js';

/**
 * A short digest of the whole list, entries with their slave ids. The leader's end message carries it
 * so a slave can prove that the list it followed is the leader's list, without resending the list.
 * Canonical JSON: key order inside object values cannot make two equal lists look different.
 */
export function listDigest(entries: readonly Entry[]): string {
  return createHash('sha256').update(canonicalJson(entries)).digest('base64url').slice(0, 22);
}
