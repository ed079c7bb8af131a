/** OpenWhisk's default memory limit of an action, and the largest most deployments allow (MB). */
const DEFAULT_MEMORY_MB = 256;
const MAX_MEMORY_MB = 512;
/** A container process's own memory, and what each slave activation in it adds over a round (MB). */
const PROCESS_MB = 64;
const PER_ACTIVATION_MB = 1.2;

/**
 * The memory limit (MB) of a container that runs `concurrency` slave activations at once: OpenWhisk's
 * 256 MB up to about 150 of them, more above (a slave holds about 1 MB during a round), at most 512 MB.
 * Without it a container of a few hundred slaves passes 256 MB and is killed mid-round.
 */
export function localMemoryMb(concurrency: number): number {
  const needed = Math.ceil(PROCESS_MB + concurrency * PER_ACTIVATION_MB);
  return Math.min(MAX_MEMORY_MB, Math.max(DEFAULT_MEMORY_MB, needed));
}
