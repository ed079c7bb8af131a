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

/**
 * A {@link listDigest} that remembers its last answer, for the slaves of one inbox: they end with
 * lists made of the very same entry objects (each delivery is decoded once for all of them), so all
 * but the first are answered by comparing references instead of hashing the list again. Entries are
 * never mutated; a list that differs in any entry object is hashed anew.
 */
export function memoizedListDigest(): (entries: readonly Entry[]) => string {
  let last: { readonly entries: readonly Entry[]; readonly digest: string } | undefined;
  return (entries) => {
    if (last !== undefined && sameEntries(last.entries, entries)) return last.digest;
    const digest = listDigest(entries);
    last = { entries: [...entries], digest };
    return digest;
  };
}

function sameEntries(a: readonly Entry[], b: readonly Entry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
