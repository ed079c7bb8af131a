import { readFileSync } from 'node:fs';

/** A process's resident memory in bytes from `/proc/<pid>/status`: now (`VmRSS`) and its peak (`VmHWM`). */
export interface ProcMemory {
  readonly rss: number | undefined;
  readonly peak: number | undefined;
}

/** Both figures from one read of `/proc/<pid>/status`; undefined fields when it is not readable. */
export function procMemory(pid: number): ProcMemory {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // The process exited between listing and reading, or /proc is not there (not Linux).
    return { rss: undefined, peak: undefined };
  }
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  };
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/**
 * Samples the summed resident memory of a changing set of processes (the embedded controller's
 * containers) and keeps the peak. Sampling can miss a short spike; each container's own peak
 * (`VmHWM`) is read too while it lives, and the larger of the two sums is reported.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peakSum = 0;
  private readonly hwm = new Map<number, number>();

  /**
   * @param pids - the processes to sample now
   * @param intervalMs - sampling interval, default 200 ms
   */
  constructor(
    private readonly pids: () => readonly number[],
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => {
      this.sample();
    }, this.intervalMs);
  }

  /** Stops sampling; returns the peak summed memory in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    const hwmSum = [...this.hwm.values()].reduce((a, b) => a + b, 0);
    return Math.max(this.peakSum, hwmSum);
  }

  private sample(): void {
    let sum = 0;
    for (const pid of this.pids()) {
      const { rss, peak: hwm } = procMemory(pid);
      sum += rss ?? 0;
      if (hwm !== undefined) this.hwm.set(pid, Math.max(hwm, this.hwm.get(pid) ?? 0));
    }
    this.peakSum = Math.max(this.peakSum, sum);
  }
}
