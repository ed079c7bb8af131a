import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MODULES_DIR } from '../package-root.cjs';
import type { RunKind } from './activation-record.js';
import { removeUnpacked, unpackZipAction } from './zip-action.js';
import { abnormalInitialization, abnormalRun, logsTruncated, memoryExhausted } from './messages.js';

/** The plain-JS program each container runs. */
const RUNNER = join(MODULES_DIR, 'localwhisk', 'container', 'runner.mjs');
const PAGE_SIZE = 4096;
const START_DEADLINE_MS = 30000;

/** How one run ended inside (or with) its container. */
export interface RunOutcome {
  readonly kind: RunKind;
  readonly result: Record<string, unknown>;
  readonly logs: readonly string[];
  /** Size of the result as the action's JSON, when the action produced it. */
  readonly resultBytes?: number;
}

interface PendingRun {
  readonly logs: string[];
  logBytes: number;
  readonly logLimitBytes: number;
  truncated: boolean;
  readonly resolve: (outcome: RunOutcome) => void;
}

type RunnerMessage =
  | { t: 'ready' }
  | { t: 'init'; ok: boolean; error?: string }
  | { t: 'log'; id: string | null; stream: string; line: string; time: string }
  | { t: 'done'; id: string; kind: RunKind; result: string };

/** How the evaluation of the action code ended: `error` is set on failure; `logs` is its output. */
export interface InitOutcome {
  readonly error: string | undefined;
  readonly logs: readonly string[];
}

/** What a container is started with. */
export interface ContainerSpec {
  readonly memoryMb: number;
  readonly env: Readonly<Record<string, string>>;
  readonly memoryCheckIntervalMs: number;
}

/**
 * One container: a separate `node` process running the runner, driven over IPC. It is killed (SIGKILL) on
 * a time limit, on exceeding its memory (V8 heap limit plus a resident-memory watch), or on close; every
 * run still pending then ends as a developer error.
 */
export class Container {
  readonly exited: Promise<void>;
  private readonly runs = new Map<string, PendingRun>();
  private readonly queuedRuns: { id: string; value: unknown; env: Record<string, string> }[] = [];
  private readonly ready: Promise<void>;
  private initWaiter: ((outcome: InitOutcome) => void) | undefined;
  private initLogs: string[] = [];
  private readonly deathMessages = new Map<string, string>();
  private deathMessage: string | undefined;
  private alive = true;
  private unpackedDir: string | undefined;
  private readonly memoryTimer: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    readonly memoryMb: number,
    memoryCheckIntervalMs: number,
  ) {
    let markReady: () => void = () => undefined;
    let failReady: (error: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    const startTimer = setTimeout(() => {
      failReady(new Error('container did not start in time'));
      this.kill(abnormalRun);
    }, START_DEADLINE_MS);
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        clearTimeout(startTimer);
        this.onExit();
        failReady(new Error('container exited during start'));
        resolve();
      });
    });
    child.on('message', (message: RunnerMessage) => {
      if (message.t === 'ready') {
        clearTimeout(startTimer);
        markReady();
      } else this.onMessage(message);
    });
    child.on('error', () => {
      this.kill(abnormalRun);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      this.onRawOutput('stdout', chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.onRawOutput('stderr', chunk);
    });
    this.memoryTimer = setInterval(() => {
      this.checkMemory();
    }, memoryCheckIntervalMs);
    this.memoryTimer.unref();
  }

  /** Starts a container process and waits until its runner is listening. */
  static async start(spec: ContainerSpec): Promise<Container> {
    const child = spawn(process.execPath, [`--max-old-space-size=${spec.memoryMb}`, RUNNER], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...spec.env },
      serialization: 'json',
    });
    if (child.pid === undefined) {
      await new Promise((resolve) => child.once('error', resolve));
      throw new Error('could not start a container process');
    }
    const container = new Container(child, child.pid, spec.memoryMb, spec.memoryCheckIntervalMs);
    await container.ready;
    return container;
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /**
   * Evaluates the action code once; never rejects. A `binary` action is a base64 zip, unpacked into a
   * directory of this container's own (removed when the container exits) that the runner loads.
   */
  init(code: string, main: string, binary: boolean): Promise<InitOutcome> {
    return new Promise((resolve) => {
      if (!this.alive) {
        resolve({ error: this.deathMessage ?? abnormalInitialization, logs: [] });
        return;
      }
      let dir: string | undefined;
      if (binary) {
        try {
          dir = unpackZipAction(code);
        } catch (error) {
          resolve({ error: `Initialization has failed due to: ${(error as Error).message}`, logs: [] });
          return;
        }
        this.unpackedDir = dir;
      }
      this.initLogs = [];
      this.initWaiter = resolve;
      this.child.send(dir === undefined ? { t: 'init', code, main } : { t: 'init', dir, main });
    });
  }

  /** Runs one activation; never rejects, a dead container yields a developer error. */
  run(id: string, value: unknown, env: Record<string, string>, logLimitBytes: number): Promise<RunOutcome> {
    return new Promise((resolve) => {
      const pending: PendingRun = { logs: [], logBytes: 0, logLimitBytes, truncated: false, resolve };
      if (!this.alive) {
        resolve({ kind: 'developer', result: { error: this.deathMessage ?? abnormalRun }, logs: [] });
        return;
      }
      this.runs.set(id, pending);
      this.queueRun({ id, value, env });
    });
  }

  // The runs started in one turn of the event loop go to the process as one message: at a thousand
  // activations a second, a message (and a pipe write) each is a large share of the controller's time.
  private queueRun(run: { id: string; value: unknown; env: Record<string, string> }): void {
    this.queuedRuns.push(run);
    if (this.queuedRuns.length > 1) return;
    setImmediate(() => {
      const runs = this.queuedRuns.splice(0);
      if (this.alive && this.child.connected) this.child.send({ t: 'runs', runs });
    });
  }

  /**
   * Kills the process now. `message` becomes the error of every pending run, or only of `forId` when
   * given (the others get the generic crash message).
   */
  kill(message: string, forId?: string): void {
    if (forId === undefined) this.deathMessage ??= message;
    else this.deathMessages.set(forId, message);
    if (this.alive) this.child.kill('SIGKILL');
  }

  private onMessage(message: RunnerMessage): void {
    if (message.t === 'init') {
      const waiter = this.initWaiter;
      this.initWaiter = undefined;
      waiter?.({
        error: message.ok ? undefined : (message.error ?? 'Initialization has failed.'),
        logs: this.initLogs,
      });
    } else if (message.t === 'log') {
      this.log(message.id, `${message.time} ${message.stream}: ${message.line}`);
    } else if (message.t === 'done') {
      const pending = this.runs.get(message.id);
      if (!pending) return;
      this.runs.delete(message.id);
      let parsed: Pick<RunOutcome, 'result' | 'resultBytes'>;
      try {
        parsed = {
          result: JSON.parse(message.result) as Record<string, unknown>,
          resultBytes: Buffer.byteLength(message.result),
        };
      } catch {
        parsed = { result: { error: abnormalRun } };
      }
      pending.resolve({ kind: message.kind, ...parsed, logs: pending.logs });
    }
  }

  private log(id: string | null, line: string): void {
    const target = id === null ? undefined : this.runs.get(id);
    if (target) this.appendLog(target, line);
    else if (id === null && this.initWaiter) this.initLogs.push(line);
    else if (id === null) for (const pending of this.runs.values()) this.appendLog(pending, line);
  }

  private appendLog(pending: PendingRun, line: string): void {
    if (pending.truncated) return;
    const size = Buffer.byteLength(line);
    if (pending.logBytes + size > pending.logLimitBytes) {
      pending.truncated = true;
      pending.logs.push(`${new Date().toISOString()} stderr: ${logsTruncated(pending.logLimitBytes)}`);
      return;
    }
    pending.logBytes += size;
    pending.logs.push(line);
  }

  // Output that bypassed the runner's capture (for example V8's own fatal errors) reaches the pipes.
  private onRawOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = chunk.toString('utf8');
    if (/heap out of memory|Reached heap limit/.test(text)) this.deathMessage ??= memoryExhausted;
    const time = new Date().toISOString();
    for (const line of text.split('\n')) if (line.trim() !== '') this.log(null, `${time} ${stream}: ${line}`);
  }

  private checkMemory(): void {
    let rssBytes: number;
    try {
      const pages = Number(readFileSync(`/proc/${this.pid}/statm`, 'utf8').split(' ')[1]);
      rssBytes = pages * PAGE_SIZE;
    } catch {
      return; // no procfs (or the process is gone): the V8 heap limit still applies
    }
    if (rssBytes > this.memoryMb * 1024 * 1024) this.kill(memoryExhausted);
  }

  private onExit(): void {
    this.alive = false;
    if (this.unpackedDir !== undefined) removeUnpacked(this.unpackedDir);
    clearInterval(this.memoryTimer);
    const waiter = this.initWaiter;
    this.initWaiter = undefined;
    waiter?.({ error: this.deathMessage ?? abnormalInitialization, logs: this.initLogs });
    for (const [id, pending] of this.runs) {
      const error = this.deathMessages.get(id) ?? this.deathMessage ?? abnormalRun;
      pending.resolve({ kind: 'developer', result: { error }, logs: pending.logs });
    }
    this.runs.clear();
  }
}
