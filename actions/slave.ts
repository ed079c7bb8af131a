/**
 * OpenWhisk action `slave`: while it holds the write permission it draws a value in 0..1000 and
 * appends it; returns the agreed list `{id, value, list, position, missing, dropped}`, else `{error, code}`.
 */
import { randomInt } from 'node:crypto';
import { joinRound } from '../src/action/index.js';
import { MAX_VALUE } from '../src/protocol/limits.js';

export { closeBrokerConnections } from '../src/action/index.js';

export function main(params: unknown): ReturnType<typeof joinRound> {
  return joinRound(params, () => randomInt(0, MAX_VALUE + 1));
}
