import { constants } from 'node:os';

import { describeCliFailure } from '../run/cli-failure.js';
import { UsageError } from '../run/errors.js';

/** Exit statuses shared by every subcommand. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The environment a command reads (`process.env` when run from the shell). */
export type CommandEnv = Readonly<Record<string, string | undefined>>;

/** Where a command writes, and how it learns that it must stop. */
export interface CommandIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Aborted with the signal's name (`'SIGINT'`, `'SIGTERM'`) when the user or a supervisor stops the command. */
  readonly signal: AbortSignal;
}

/** One subcommand of `whisk-sync`: `whisk-sync <name> [args]`, or `npm run <name> -- [args]` in a clone. */
export interface Command {
  readonly name: string;
  /** One line for `whisk-sync --help`. */
  readonly summary: string;
  /**
   * True when the command stops cleanly on `io.signal` (servers, runs that own containers). Any other
   * command is ended by a signal at once, as a Node.js program is by default.
   */
  readonly interruptible: boolean;
  /** Runs the command; resolves to its exit status: 0 ok, 1 failed, 2 usage error. Never rejects. */
  run(argv: readonly string[], env: CommandEnv, io: CommandIo): Promise<number>;
}

/** How {@link reportFailure} prints an error. */
export interface FailureReport {
  /** Credentials met on the way: replaced by `***` wherever they appear. */
  readonly secrets?: readonly string[];
  /** Added after a usage error: ` — <usageLine>`. */
  readonly usageLine?: string;
  /** Print the stack trace too (the `--debug` flag). */
  readonly debug?: boolean;
}

/**
 * Prints one line `<command>: <message>` for an error and returns the exit status: 2 for a usage
 * error, 1 otherwise. An error without a `code` is a bug and says how to see its stack.
 */
export function reportFailure(
  command: string,
  error: unknown,
  io: CommandIo,
  options: FailureReport = {},
): number {
  const failure = describeCliFailure(error, options.secrets);
  const usage =
    error instanceof UsageError && options.usageLine !== undefined ? ` — ${options.usageLine}` : '';
  io.stderr.write(`${command}: ${failure.line}${usage}\n`);
  if (options.debug === true && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  }
  return failure.exitCode;
}

/** Resolves with `value` once `signal` aborts (at once when it already has). */
export function onAbort<T>(signal: AbortSignal, value: T): Promise<T> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(value);
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve(value);
        },
        { once: true },
      );
  });
}

/** The conventional exit status of a command stopped by a signal: 128 + its number (130 for SIGINT). */
export function interruptedStatus(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  const number = typeof reason === 'string' ? constants.signals[reason as NodeJS.Signals] : undefined;
  return 128 + (number ?? constants.signals.SIGINT);
}
