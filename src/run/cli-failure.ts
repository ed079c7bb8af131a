import { UsageError } from './errors.js';

/** How a command line tool reports an error: one line for the user, and the exit status. */
export interface CliFailure {
  readonly line: string;
  readonly exitCode: 1 | 2;
}

/**
 * Turns any thrown value into one printable line. Errors that carry a string `code` (the product's
 * own error classes, and Node's system errors such as `EACCES`) are expected: their message is the
 * answer. Anything else is a bug, so the line says so and how to get the stack. Each of `secrets` is
 * replaced by `***` wherever it appears.
 */
export function describeCliFailure(error: unknown, secrets: readonly string[] = []): CliFailure {
  const expected = hasCode(error);
  const message = error instanceof Error ? error.message : String(error);
  let line = message.split('\n')[0] ?? message;
  for (const secret of secrets) if (secret.length > 0) line = line.split(secret).join('***');
  if (error instanceof UsageError) return { line, exitCode: 2 };
  if (!expected) line = `unexpected error: ${line} (rerun with --debug for the stack trace)`;
  return { line, exitCode: 1 };
}

function hasCode(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}
