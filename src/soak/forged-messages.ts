import { randomBytes } from 'node:crypto';

import { encode } from '../protocol/codec.js';
import type { Message } from '../protocol/messages.js';
import { sign } from '../protocol/signing.js';

/** Where an injected message goes: the leader's queue, or where the leader's log reaches slaves. */
export type InjectionSite = 'leader' | 'log';

/** Large enough to be costly to parse, far below the broker's frame limits. */
const OVERSIZED_BYTES = 300 * 1024;

/**
 * Messages an intruder or a broken peer could publish into a run: plausible protocol messages that are
 * unsigned or signed with a wrong key, carrying `value` as a forged entry, and malformed bodies. Those
 * signed with the run's own key are either another run's (a reused key) or not a message at all, so a
 * correct party drops every one of them.
 */
export function forgedMessages(
  runId: string,
  signingKey: string,
  site: InjectionSite,
  value: number,
): Buffer[] {
  const wrongKey = randomBytes(32).toString('base64url');
  const plausible = site === 'leader' ? toLeader(runId, value) : fromLeader(runId, value);
  const signedBody = (body: string): Buffer => Buffer.from(`${sign(body, signingKey)}.${body}`);
  return [
    ...plausible.map((message) => Buffer.from(JSON.stringify(message))), // unsigned
    ...plausible.map((message) => encode(message, wrongKey)), // forged signature
    ...plausible.map((message) => encode({ ...message, run: `${runId}x` }, signingKey)), // another run
    signedBody('{"k":"log",'), // cut-off JSON
    signedBody(JSON.stringify({ k: 'grant', run: runId, no: 'one' })), // not a message
    Buffer.alloc(0),
    randomBytes(64),
    Buffer.alloc(OVERSIZED_BYTES, 'x'),
  ];
}

function toLeader(run: string, value: number): Message[] {
  const from = { run, no: 0, slave: 0, nonce: 'intruder' };
  return [
    { k: 'request', ...from },
    { k: 'append', ...from, seq: 0, token: 'forged.0', value },
    { k: 'abandon', ...from },
  ];
}

function fromLeader(run: string, value: number): Message[] {
  const leader = { run, no: 0, epoch: 'forged', at: 0, add: [[0, value]] as const, seqs: [0], rev: [] };
  return [
    { k: 'log', ...leader },
    { k: 'end', ...leader, count: 1, digest: 'forged', missing: [] },
    {
      k: 'grant',
      run,
      no: 0,
      epoch: 'forged',
      slave: 0,
      nonce: 'intruder',
      seq: 0,
      token: 'forged.0',
      leaseMs: 1000,
    },
  ];
}
