import { inspect } from 'node:util';

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

/** Hides URL passwords in text; the one implementation lives with the protocol, which needs it too. */
export { maskUrl } from '../protocol/mask.js';

/** Removes every occurrence of `secret` (and of its `uuid:key` halves' key part) from `text`. */
export function redact(text: string, secret: Secret | undefined): string {
  if (secret === undefined) return text;
  const value = secret.reveal();
  let out = text;
  const parts = [value, ...value.split(':').slice(1)].filter((p) => p.length >= 8);
  for (const part of parts) out = out.split(part).join(MASK);
  return out;
}
