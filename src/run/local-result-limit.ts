/** OpenWhisk's limit on an action's result (and a request body): 1 MiB. */
export const OPENWHISK_RESULT_LIMIT_BYTES = 1024 * 1024;

/**
 * Bytes of the leader's result per slave, with room to spare: the leader returns the round's history
 * (about 440 bytes per slave), which passes OpenWhisk's 1 MiB from about 2400 slaves on.
 */
const RESULT_BYTES_PER_SLAVE = 1024;

/**
 * The result limit the embedded controller gets for a round of `n` slaves: OpenWhisk's 1 MiB, or more
 * when the leader's history of a large round needs it.
 */
export function localResultLimit(n: number): number {
  return Math.max(OPENWHISK_RESULT_LIMIT_BYTES, n * RESULT_BYTES_PER_SLAVE);
}
