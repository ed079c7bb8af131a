import { inspect } from 'node:util';

import { maskUrl as maskUrlsInText } from '../protocol/mask.js';

const MASK = '***';

/**
 * A credential that refuses to be printed: `String()`, `JSON.stringify()` and `console.log()` all show
 * `***`. Only {@link Secret.reveal} hands out the value, so every place that uses it is easy to find.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw value, for the one place that must send it (the HTTP Authorization header). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}

/**
 * Replaces the password of a URL with `***` (`amqp://user:***@host`), leaving the rest as written. In a
 * text that is one URL, the user part runs to the last `@` before the path, so a password that holds an
 * `@` is hidden in full; in any other text (an error message, say) the password of every URL it contains
 * is hidden. Text without a password comes back unchanged.
 */
export function maskUrl(url: string): string {
  const whole = WHOLE_URL_USERINFO.exec(url);
  if (whole === null) return maskUrlsInText(url);
  const [userinfo, scheme = '', user = '', password = ''] = whole;
  if (password === '') return url;
  return `${scheme}${user}:${MASK}@${url.slice(userinfo.length)}`;
}

// scheme://user:password@ where the greedy password may itself hold `@` (the host part cannot).
const WHOLE_URL_USERINFO = /^([a-z][a-z\d+.-]*:\/\/)([^/?#@:\s]*):([^/?#\s]*)@(?=[^/?#@\s]*(?:[/?#]|$))/i;

/** Removes every occurrence of `secret` (and of its `uuid:key` halves' key part) from `text`. */
export function redact(text: string, secret: Secret | undefined): string {
  if (secret === undefined) return text;
  const value = secret.reveal();
  let out = text;
  const parts = [value, ...value.split(':').slice(1)].filter((p) => p.length >= 8);
  for (const part of parts) out = out.split(part).join(MASK);
  return out;
}
