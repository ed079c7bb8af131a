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
 * Finished activation records, newest last, bounded: past `capacity` the oldest record is dropped, so a
 * long-lived controller does not grow without limit. Unfinished activations are not here (404 until done).
 */
export class ActivationStore {
  private readonly records = new Map<string, ActivationRecord>();

  constructor(private readonly capacity: number) {}

  add(record: ActivationRecord): void {
    this.records.set(record.activationId, record);
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next();
      if (oldest.done !== true) this.records.delete(oldest.value);
    }
  }

  get(activationId: string): ActivationRecord | undefined {
    return this.records.get(activationId);
  }

  /** Newest first, as OpenWhisk lists them. `name` matches `action` or `package/action`. */
  list(query: ActivationQuery): ActivationRecord[] {
    const out: ActivationRecord[] = [];
    let skipped = 0;
    const all = [...this.records.values()];
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
