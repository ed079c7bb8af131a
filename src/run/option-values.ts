import { UsageError } from './errors.js';

/**
 * Attaches a negative number to the option before it (`--retries -1` → `--retries=-1`). Node's
 * `parseArgs` takes such a value for an option of its own and answers "argument is ambiguous", which
 * tells the user nothing; attached, the value reaches the option's own check and its clear message.
 *
 * @param valueOptions names (without `--`) of the options that take a value
 */
export function attachNegativeValues(argv: readonly string[], valueOptions: readonly string[]): string[] {
  const takesValue = new Set(valueOptions.map((name) => `--${name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** The first sentence of an error from Node's `parseArgs`; the rest goes on about "--" and positionals. */
export function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).replace(/\. To specify a positional argument.*$/, '');
}

/**
 * A command-line value that must be a whole number from `min` to `max` (digits only).
 * @throws {UsageError} naming `name`, the bounds and the text given
 */
export function integerInRange(text: string, name: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}
