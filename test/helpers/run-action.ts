/**
 * Runs leader or slave actions in separate OS processes, the way separate containers would run them.
 *
 *   const leader = startAction('leader', { n: 2, runId, amqpUrl, signingKey });
 *   const slaves = startActions('slave', [{ id: 0, ... }, { id: 1, ... }]);  // several in one process
 *   const result = await leader.result;   // the action's result object
 *   leader.kill('SIGKILL');                // fault injection; `result` then rejects with ActionProcessError
 *
 * Each process imports the TypeScript action through tsx, or with `bundle: true` evaluates
 * dist/<action>.js as the OpenWhisk runtime does (run `npm run build:actions` first).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Role = 'leader' | 'slave';

export interface StartOptions {
  /** Extra environment, e.g. `__OW_DEADLINE` or `__OW_ACTIVATION_ID`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Load dist/<role>.js like the OpenWhisk runtime instead of the TypeScript source. Default false. */
  readonly bundle?: boolean;
  /** Kill the process (SIGKILL) if it has not exited after this long. Default 90000 ms. */
  readonly killAfterMs?: number;
}

/** A running action process. */
export interface ActionProcess<R> {
  readonly pid: number;
  /** The action's result; rejects with {@link ActionProcessError} if the process ends without one. */
  readonly result: Promise<R>;
  kill(signal?: NodeJS.Signals): void;
}

/** The process ended without printing a result (killed, crashed). */
export class ActionProcessError extends Error {
  override readonly name = 'ActionProcessError';
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    super(
      `action process ended without a result (code ${exitCode}, signal ${signal}): ${stderr.slice(-500)}`,
    );
  }
}

/** Runs one action activation in its own process. */
export function startAction(
  role: Role,
  params: object,
  options: StartOptions = {},
): ActionProcess<Record<string, unknown>> {
  const p = startActions(role, [params], options);
  return {
    pid: p.pid,
    kill: (signal) => {
      p.kill(signal);
    },
    result: p.result.then((all) => all[0] ?? {}),
  };
}

/** Runs several activations of one action concurrently in one process (cheaper for large n). */
export function startActions(
  role: Role,
  params: readonly object[],
  options: StartOptions = {},
): ActionProcess<Record<string, unknown>[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/action-child.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...options.env,
      WHISK_ACTION: role,
      WHISK_PARAMS: JSON.stringify(params),
      ...(options.bundle === true ? { WHISK_BUNDLE: join(root, 'dist', `${role}.js`) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 90_000);
  const result = new Promise<Record<string, unknown>[]>((resolve, reject) => {
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line === undefined) reject(new ActionProcessError(code, signal, stderr));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>[]);
    });
  });
  if (child.pid === undefined) throw new Error(`could not start a ${role} process`);
  return { pid: child.pid, result, kill: (signal = 'SIGTERM') => child.kill(signal) };
}
