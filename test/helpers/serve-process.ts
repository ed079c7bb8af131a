/**
 * Starts `serve` through a launcher (`npm run serve`, `npx whisk-sync serve`) in a process group of its
 * own, and waits, each wait with a deadline, until a signalled launcher has left nothing behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import openwhisk from 'openwhisk';

/** A launched server: the launcher's process (also its group's id) and the API host it printed. */
export interface LaunchedServer {
  readonly launcher: ChildProcess;
  readonly pid: number;
  readonly apihost: string;
  readonly auth: string;
  readonly output: () => string;
}

const STEP_MS = 100;

/** Runs `command args` (which must start `serve --port 0`) as the leader of a new process group. */
export async function launchServer(
  command: string,
  args: readonly string[],
  cwd: string,
  deadlineMs = 60_000,
): Promise<LaunchedServer> {
  const launcher = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  launcher.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  launcher.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const pid = launcher.pid;
  if (pid === undefined) throw new Error(`cannot start ${command}`);
  const started = await waitFor(
    () => {
      if (launcher.exitCode !== null) throw new Error(`${command} exited early: ${out}`);
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*auth:\s+(\S+)\n/.exec(out);
      return found === null ? undefined : { apihost: found[1] ?? '', auth: found[2] ?? '' };
    },
    deadlineMs,
    `${command} to print the server's address`,
  );
  return { launcher, pid, ...started, output: () => out };
}

/** Deploys and runs one action, so that the server has a live container to stop. */
export async function startContainer(server: LaunchedServer): Promise<void> {
  const ow = openwhisk({ apihost: server.apihost, api_key: server.auth });
  await ow.actions.update({ name: 'hello', action: 'function main() { return { hi: 1 }; }' });
  await ow.actions.invoke({ name: 'hello', blocking: true, result: true });
}

/** Process ids still in the group (the launcher's own included). */
export function groupMembers(pgid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return []; // ps exits 1 when no process matches
  }
}

/** Whether something accepts connections at `apihost`. */
export function listening(apihost: string): Promise<boolean> {
  const { hostname, port } = new URL(apihost);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Waits until the port is closed and every process of the launcher's group has exited. */
export async function waitUntilGone(server: LaunchedServer, deadlineMs = 30_000): Promise<void> {
  await waitFor(
    async () => ((await listening(server.apihost)) ? undefined : true),
    deadlineMs,
    `${server.apihost} to stop listening`,
  );
  await waitFor(
    () => (groupMembers(server.pid).length === 0 ? true : undefined),
    deadlineMs,
    `every process of group ${server.pid} to exit (left: ${groupMembers(server.pid).join(', ')})`,
  );
}

/** Kills whatever a failed test left in the group. */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Nothing left.
  }
}

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  deadlineMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(STEP_MS);
  }
}
