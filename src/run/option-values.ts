import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/** Option definitions in the form of Node's `parseArgs`. */
export type CommandLineOptions = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandLine} returns: `values` typed by the options, and the positionals. */
export type ParsedCommandLine<O extends CommandLineOptions, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: P; strict: true }>
>;

/**
 * The one command-line parser of every command: Node's `parseArgs` in strict mode, with negative
 * numbers attached to their options (see {@link attachNegativeValues}), and any parse error thrown as
 * a {@link UsageError} whose one line is `describe(error)` (default: Node's first sentence).
 */
export function parseCommandLine<const O extends CommandLineOptions, const P extends boolean>(
  argv: readonly string[],
  options: O,
  allowPositionals: P,
  describe: (error: unknown) => string = parseArgsMessage,
): ParsedCommandLine<O, P> {
  const valueOptions = Object.entries(options).flatMap(([name, spec]) =>
    spec.type === 'string' ? [name] : [],
  );
  try {
    return parseArgs({
      args: attachNegativeValues(argv, valueOptions),
      options,
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(describe(error));
  }
}
