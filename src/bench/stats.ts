/** p50/p90/p99 of a sample, in the sample's unit, rounded to 0.01. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** Nearest-rank percentiles; `undefined` for an empty sample. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
    return Math.round(value * 100) / 100;
  };
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}
