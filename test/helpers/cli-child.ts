/**
 * Runs one of the `whisk-sync` subcommands from the sources as a child process, the way `npm run <name>` does,
 * and checks the shape every user-mistake answer must have.
 */
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a finished child left behind. `code` is null when it was killed (e.g. by the deadline). */
export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface CliOptions {
  /** Variables added to (or, when undefined, removed from) the test's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The child is killed after this long, so a hang fails the test instead of stalling it. Default 60 s. */
  readonly timeoutMs?: number;
}

/** Runs `node --import tsx src/cli/bin.ts <command> ...args` in the project root. */
export function runCli(
  script: string,
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliOutcome> {
  // A variable set to undefined in `options.env` is left out of the child's environment.
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...options.env }).filter(([, value]) => value !== undefined),
  );
  return new Promise((resolveOutcome) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', script, ...args],
      { cwd: ROOT, timeout: options.timeoutMs ?? 60_000, env, killSignal: 'SIGKILL' },
      (_error, stdout, stderr) => {
        resolveOutcome({ code: child.exitCode, signal: child.signalCode, stdout, stderr });
      },
    );
  });
}

/** How one bad input must be answered. */
export interface ExpectedError {
  /** The whole first line of stderr (a string) or a stable part of it (a pattern). */
  readonly line: string | RegExp;
  readonly exitCode: number;
  /** A second stderr line that the command adds after a usage error. Default: none. */
  readonly usageLine?: string;
  /** Strings that must appear nowhere in the output (passwords, keys). */
  readonly secrets?: readonly string[];
}

/** A stack frame as Node prints it. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?)$/m;

/**
 * Asserts the answer to a bad input: the exit code, exactly one error line on stderr (plus the
 * usage line where the command prints one), nothing on stdout, no stack trace, no secret.
 */
export function expectCliError(outcome: CliOutcome, expected: ExpectedError): void {
  const context = `stdout: ${outcome.stdout}\nstderr: ${outcome.stderr}`;
  expect(outcome.signal, `the command was killed (a hang?)\n${context}`).to.equal(null);
  expect(outcome.code, context).to.equal(expected.exitCode);
  const lines = outcome.stderr.replace(/\n$/, '').split('\n');
  const want = expected.usageLine === undefined ? 1 : 2;
  expect(lines, context).to.have.length(want);
  const [first = '', second] = lines;
  if (typeof expected.line === 'string') expect(first).to.equal(expected.line);
  else expect(first).to.match(expected.line);
  if (expected.usageLine !== undefined) expect(second).to.equal(expected.usageLine);
  expect(outcome.stderr).not.to.match(STACK_FRAME);
  for (const secret of expected.secrets ?? []) {
    expect(outcome.stdout + outcome.stderr, 'a secret was shown').not.to.contain(secret);
  }
}
