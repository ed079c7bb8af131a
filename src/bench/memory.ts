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

/** The processes sampled, in groups whose memory is summed apart; a process belongs to one group. */
export type ProcessGroups<G extends string> = () => Readonly<Record<G, readonly number[]>>;

/**
 * Samples the summed memory of changing groups of processes (the embedded controller, its containers)
 * and keeps the peaks of each group and of all together, each process read once per sample. Reading a
 * process's `smaps_rollup` makes the kernel walk its page tables (3–4 ms for a busy container on a
 * 2-core machine), so the default interval keeps the sampler's own cost to a few percent of one core;
 * a spike shorter than the interval can be missed, while the sample taken at `stop` catches a round's
 * end, when its lists are whole.
 */
export class MemorySampler<G extends string> {
  private timer: NodeJS.Timeout | undefined;
  private readonly peaks = new Map<G | 'all', MemoryPeak>();

  /**
   * @param groups - the processes to sample now, by group
   * @param intervalMs - sampling interval, default 2000 ms
   */
  constructor(
    private readonly groups: ProcessGroups<G>,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => {
      this.sample();
    }, this.intervalMs);
  }

  /** Stops sampling; returns the peak sums of each group and of all groups together (`all`). */
  stop(): Record<G | 'all', MemoryPeak> {
    clearInterval(this.timer);
    this.sample();
    const groups = Object.keys(this.groups()) as G[];
    const peakOf = (group: G | 'all'): MemoryPeak => this.peaks.get(group) ?? { pss: 0, rss: 0 };
    return Object.fromEntries([...groups, 'all' as const].map((g) => [g, peakOf(g)])) as Record<
      G | 'all',
      MemoryPeak
    >;
  }

  private sample(): void {
    const all = { pss: 0, rss: 0 };
    for (const [group, pids] of Object.entries(this.groups()) as [G, readonly number[]][]) {
      const sum = { pss: 0, rss: 0 };
      for (const pid of pids) {
        const memory = procMemory(pid);
        sum.rss += memory.rss ?? 0;
        // Without smaps_rollup's Pss (an old kernel), the resident size stands in for it.
        sum.pss += memory.pss ?? memory.rss ?? 0;
      }
      this.keep(group, sum);
      all.pss += sum.pss;
      all.rss += sum.rss;
    }
    this.keep('all', all);
  }

  private keep(group: G | 'all', sum: MemoryPeak): void {
    const peak = this.peaks.get(group) ?? { pss: 0, rss: 0 };
    this.peaks.set(group, { pss: Math.max(peak.pss, sum.pss), rss: Math.max(peak.rss, sum.rss) });
  }
}
