import type { ActivationRecord } from './activation-record.js';

/** Filters of `GET activations`, already validated. */
export interface ActivationQuery {
  readonly name?: string;
  readonly limit: number;
  readonly skip: number;
  readonly since?: number;
  readonly upto?: number;
}

/**
 * Finished activation records, newest last, bounded so a long-lived controller does not grow without
 * limit: past `capacity` records the oldest is dropped; past `maxResultBytes` of results, records that
 * were already read back are dropped, the first read first. A record nobody has read yet stays (within
 * `capacity`): dropping it would leave its poller waiting on a 404 until its deadline. Large rounds make
 * the byte bound matter: 10000 slaves each returning a list of 10000 values are about 0.5 GB of results.
 * Unfinished activations are not here (404 until done).
 */
export class ActivationStore {
  private readonly records = new Map<string, { record: ActivationRecord; bytes: number }>();
  /** Ids of records read at least once, in the order of their first read. */
  private readonly read = new Set<string>();
  private bytes = 0;

  /**
   * @param capacity - most records kept
   * @param maxResultBytes - most bytes of results kept while read records can be dropped
   */
  constructor(
    private readonly capacity: number,
    private readonly maxResultBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** @param resultBytes - size of the record's result as JSON */
  add(record: ActivationRecord, resultBytes = 0): void {
    this.drop(record.activationId);
    this.records.set(record.activationId, { record, bytes: resultBytes });
    this.bytes += resultBytes;
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next();
      if (oldest.done !== true) this.drop(oldest.value);
    }
    for (const id of this.read) {
      if (this.bytes <= this.maxResultBytes) break;
      this.drop(id);
    }
  }

  get(activationId: string): ActivationRecord | undefined {
    const entry = this.records.get(activationId);
    if (entry !== undefined) this.read.add(activationId);
    return entry?.record;
  }

  /** Records kept, and the bytes of their results. */
  get size(): { readonly records: number; readonly resultBytes: number } {
    return { records: this.records.size, resultBytes: this.bytes };
  }

  private drop(activationId: string): void {
    const entry = this.records.get(activationId);
    if (entry === undefined) return;
    this.records.delete(activationId);
    this.read.delete(activationId);
    this.bytes -= entry.bytes;
  }

  /** Newest first, as OpenWhisk lists them. `name` matches `action` or `package/action`. */
  list(query: ActivationQuery): ActivationRecord[] {
    const out: ActivationRecord[] = [];
    let skipped = 0;
    const all = [...this.records.values()].map((entry) => entry.record);
    for (let i = all.length - 1; i >= 0 && out.length < query.limit; i--) {
      const record = all[i];
      if (record === undefined || !matches(record, query)) continue;
      if (skipped < query.skip) {
        skipped++;
        continue;
      }
      out.push(record);
    }
    return out;
  }
}

function matches(record: ActivationRecord, query: ActivationQuery): boolean {
  if (query.since !== undefined && record.start < query.since) return false;
  if (query.upto !== undefined && record.start > query.upto) return false;
  if (query.name === undefined) return true;
  const path = record.annotations.find((a) => a.key === 'path')?.value;
  const packaged = typeof path === 'string' ? path.split('/').slice(1).join('/') : record.name;
  return query.name === record.name || query.name === packaged;
}
