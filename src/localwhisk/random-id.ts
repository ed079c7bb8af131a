import { randomBytes } from 'node:crypto';

const ID_BYTES = 16;
/** Random bytes drawn per refill: one call into the random source serves 256 ids. */
const POOL_BYTES = 256 * ID_BYTES;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A random 32-hex-digit id, as OpenWhisk's activation and transaction ids. Drawn from a pool refilled
 * in blocks, because one `randomBytes` call per id is a visible cost at thousands of ids a second.
 */
export function randomId(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
