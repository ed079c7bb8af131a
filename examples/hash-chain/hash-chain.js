// The hash chain: each slave appends {id, hash} with hash = sha256(previous hash + id), the first
// one chaining from the empty string. Anyone can verify the whole list afterwards with verifyChain.
import { createHash } from 'node:crypto';
import { joinRound } from 'whisk-sync/action';

export { closeBrokerConnections } from 'whisk-sync/action';

export function main(params) {
  return joinRound(params, ({ id, list }) => {
    const previous = list.at(-1)?.hash ?? '';
    return { id, hash: link(previous, id) };
  });
}

/** One link of the chain. */
export function link(previousHash, id) {
  return createHash('sha256').update(`${previousHash}${id}`).digest('hex');
}

/** Whether `list` is an unbroken chain: every entry's hash links the one before it to its id. */
export function verifyChain(list) {
  return list.every((entry, i) => entry.hash === link(i === 0 ? '' : list[i - 1].hash, entry.id));
}
