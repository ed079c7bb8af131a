import { isRecord } from '../is-record.js';

/** Parameters the round itself passes to every slave; a user's slave parameters may not set them. */
export const RESERVED_SLAVE_PARAMS: readonly string[] = [
  'id',
  'n',
  'runId',
  'amqpUrl',
  'signingKey',
  'history',
  'timeoutMs',
  'expiresMs',
  'appendRoute',
];

/**
 * Why `params` cannot be a user's slave parameters (not an object, or a reserved key), or undefined
 * when they can.
 */
export function slaveParamsProblem(params: unknown): string | undefined {
  if (!isRecord(params)) return 'slave parameters must be an object';
  const reserved = Object.keys(params).filter((key) => RESERVED_SLAVE_PARAMS.includes(key));
  if (reserved.length === 0) return undefined;
  return `slave parameters may not set ${reserved.join(', ')}: the round passes ${reserved.length === 1 ? 'it' : 'them'} itself`;
}

/**
 * One `--param key=value`: the value is parsed as JSON when it is valid JSON (`3`, `true`, `{"a":1}`,
 * `"quoted"`), else taken as the string it is (`name=alice`).
 * @returns undefined when `text` has no `=` or an empty key
 */
export function parseParam(text: string): { readonly key: string; readonly value: unknown } | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0) return undefined;
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the plain string.
  }
  return { key: text.slice(0, eq), value };
}
