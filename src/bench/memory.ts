import { readFileSync } from 'node:fs';

/**
 * What one process holds, in bytes, from one read of `/proc/<pid>/smaps_rollup`: its resident size
 * (`Rss`, shared pages counted in full) and its proportional share (`Pss`: each shared page divided
 * among the processes that map it). Undefined when the file is not readable: the process exited, or
 * the system is not Linux (4.14 or later).
 */
export interface ProcMemory {
  readonly rss: number | undefined;
  readonly pss: number | undefined;
}

/** Both figures of one process; see {@link ProcMemory}. */
export function procMemory(pid: number): ProcMemory {
  let rollup: string;
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return { rss: undefined, pss: undefined };
  }
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  };
  return { rss: field('Rss'), pss: field('Pss') };
}

/** The peak sums a {@link MemorySampler} saw, in bytes. */
export interface MemoryPeak {
  /**
   * Peak of the summed proportional set sizes: what the processes take of the machine together, each
   * page once, however many of them map it (every container maps the same `node` binary).
   */
  readonly pss: number;
  /** Peak of the summed resident sizes, shared pages counted once per process. */
  readonly rss: number;
}

/**
 * Samples the summed memory of a changing set of processes (the embedded controller's containers) and
 * keeps the peaks. Sampling can miss a spike shorter than the interval.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = { pss: 0, rss: 0 };

  /**
   * @param pids - the processes to sample now
   * @param intervalMs - sampling interval, default 100 ms
   */
  constructor(
    private readonly pids: () => readonly number[],
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => {
      this.sample();
    }, this.intervalMs);
  }

  /** Stops sampling; returns the peak sums. */
  stop(): MemoryPeak {
    clearInterval(this.timer);
    this.sample();
    return { ...this.peak };
  }

  private sample(): void {
    let pss = 0;
    let rss = 0;
    for (const pid of this.pids()) {
      const memory = procMemory(pid);
      rss += memory.rss ?? 0;
      // Without smaps_rollup's Pss (an old kernel), the resident size stands in for it.
      pss += memory.pss ?? memory.rss ?? 0;
    }
    this.peak = { pss: Math.max(this.peak.pss, pss), rss: Math.max(this.peak.rss, rss) };
  }
}
