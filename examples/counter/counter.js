// The counter: each slave appends the length of the list it was handed. The agreed list is exactly
// 0, 1, ..., n-1 only if every callback ran alone and saw the true list: mutual exclusion, visible.
import { joinRound } from 'whisk-sync/action';

export { closeBrokerConnections } from 'whisk-sync/action';

/** Parameters beyond the round's own: `workMs` (default 0), time each callback spends "working". */
export function main(params) {
  const workMs = Number(params.workMs ?? 0);
  return joinRound(params, async ({ list, signal }) => {
    if (workMs > 0) await work(workMs, signal);
    return list.length;
  });
}

/** Waits `ms`, or rejects as soon as the grant is lost (then nothing is appended anyway). */
function work(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
