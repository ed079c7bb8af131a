import { encodedBytes, isJsonValue } from './json-value.js';
import { MAX_SLAVES, MAX_VALUE_BYTES } from './limits.js';
import { APPEND_ROUTES, type Entry, type Message, type Revocation } from './messages.js';
import { sign, SIGNATURE_LENGTH, verify } from './signing.js';
import { isRecord } from '../is-record.js';

/**
 * Wire format: `<signature>.<json>`, where the signature is the base64url HMAC-SHA256 of the exact
 * JSON bytes. Signing the bytes as sent avoids any canonical-JSON question, and checking the signature
 * before parsing means forged or junk bodies cost one HMAC, never a parse.
 */
export function encode(message: Message, key: string): Buffer {
  const body = JSON.stringify(message);
  return Buffer.from(`${sign(body, key)}.${body}`, 'utf8');
}

/** Why a received message was dropped before it reached a machine. */
export type DecodeDrop =
  'unsigned' | 'bad signature' | 'malformed JSON' | 'malformed message' | 'foreign run';

export type Decoded = { readonly message: Message } | { readonly drop: DecodeDrop };

/** Verifies, parses and checks the shape of a received message. Never throws. */
export function decode(content: Buffer, key: string, runId: string): Decoded {
  const text = content.toString('utf8');
  const dot = text.indexOf('.');
  if (dot !== SIGNATURE_LENGTH) return { drop: 'unsigned' };
  const body = text.slice(dot + 1);
  if (!verify(body, text.slice(0, dot), key)) return { drop: 'bad signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { drop: 'malformed JSON' };
  }
  if (!isMessage(parsed)) return { drop: 'malformed message' };
  // Only a reused key lets another run's message pass the signature check; still not ours.
  if (parsed.run !== runId) return { drop: 'foreign run' };
  return { message: parsed };
}

type Fields = Readonly<Record<string, unknown>>;

const TOKEN = /^[A-Za-z0-9]{1,32}\.\d{1,10}$/;
const NONCE = /^[A-Za-z0-9]{1,32}$/;

const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const slaveId = (v: unknown): boolean => count(v) && (v as number) < MAX_SLAVES;
const text = (v: unknown, max: number): boolean => typeof v === 'string' && v.length > 0 && v.length <= max;
const nonce = (v: unknown): boolean => typeof v === 'string' && NONCE.test(v);
const token = (v: unknown): boolean => typeof v === 'string' && TOKEN.test(v);
const pair = (v: unknown, first: (x: unknown) => boolean, second: (x: unknown) => boolean): boolean =>
  Array.isArray(v) && v.length === 2 && first(v[0]) && second(v[1]);
const jsonValue = (v: unknown): boolean => isJsonValue(v);
/** An appended value: JSON within the size limit (the leader's entries repeat only checked values). */
const appendedValue = (v: unknown): boolean => isJsonValue(v) && encodedBytes(v) <= MAX_VALUE_BYTES;
const entries = (v: unknown): v is Entry[] => Array.isArray(v) && v.every((e) => pair(e, slaveId, jsonValue));
const revocations = (v: unknown): v is Revocation[] =>
  Array.isArray(v) && v.every((r) => pair(r, count, slaveId));

/** Optional grant seqs parallel to `add`. */
const seqsOf = (m: Fields): boolean =>
  m.seqs === undefined ||
  (Array.isArray(m.seqs) && Array.isArray(m.add) && m.seqs.length === m.add.length && m.seqs.every(count));
const route = (v: unknown): boolean => v === undefined || (APPEND_ROUTES as readonly unknown[]).includes(v);

/** Checks every field a machine relies on; extra fields are tolerated and ignored. */
function isMessage(v: unknown): v is Message {
  if (!isRecord(v)) return false;
  const m: Fields = v;
  if (!text(m.run, 64) || !count(m.no)) return false;
  const fromSlave = slaveId(m.slave) && nonce(m.nonce);
  const fromLeader = nonce(m.epoch);
  const listed = entries(m.add) && seqsOf(m) && revocations(m.rev);
  const batch = count(m.at) && listed;
  switch (m.k) {
    case 'request':
      return fromSlave && (m.box === undefined || nonce(m.box));
    case 'abandon':
      return fromSlave;
    case 'append':
      return fromSlave && count(m.seq) && token(m.token) && appendedValue(m.value);
    case 'renew':
    case 'release':
      return fromSlave && count(m.seq) && token(m.token);
    case 'welcome':
      return (
        fromLeader &&
        fromSlave &&
        listed &&
        count(m.beatMs) &&
        route(m.route) &&
        (m.at === undefined || count(m.at))
      );
    case 'grant':
      return (
        fromLeader &&
        fromSlave &&
        count(m.seq) &&
        token(m.token) &&
        count(m.leaseMs) &&
        (m.holdMs === undefined || count(m.holdMs)) &&
        (m.add === undefined
          ? m.at === undefined && m.seqs === undefined
          : count(m.at) && entries(m.add) && seqsOf(m))
      );
    case 'revoke':
      return fromLeader && fromSlave && count(m.seq) && token(m.token) && text(m.reason, 200);
    case 'log':
      return fromLeader && batch && (m.beat === undefined || count(m.beat));
    case 'end':
      return (
        fromLeader &&
        batch &&
        count(m.count) &&
        text(m.digest, 64) &&
        Array.isArray(m.missing) &&
        m.missing.every(slaveId) &&
        (m.error === undefined || text(m.error, 500))
      );
    default:
      return false;
  }
}
