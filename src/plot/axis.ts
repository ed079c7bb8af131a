/** Tick positions for a time axis from 0 to `durationMs`: 1, 2 or 5 times a power of ten apart. */
export function timeTicks(durationMs: number, target = 8): number[] {
  if (!(durationMs > 0)) return [0];
  const rough = durationMs / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let i = 0; i * step <= durationMs + step * 1e-9; i++) ticks.push(i * step);
  return ticks;
}

/** A duration for an axis label or a title: `750 ms`, `12.5 ms`, `0.25 ms`, `1.25 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 10_000) return `${trim(ms / 1000, 1)} s`;
  if (ms >= 1000) return `${trim(ms / 1000, 2)} s`;
  if (ms >= 100 || ms === 0) return `${trim(ms, 0)} ms`;
  return `${trim(ms, ms >= 10 ? 1 : 2)} ms`;
}

function trim(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}
