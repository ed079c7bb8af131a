// `whisk-sync map N` (`npm run map -- N` in a clone): deploys the actions, runs one synchronized round,
// reports it.
import { join } from 'node:path';

import { deployManifest } from '../deploy/deploy.js';
import { loadManifest } from '../deploy/manifest.js';
import { COMMAND_LINE_OPTIONS } from '../executor/config.js';
import { FunctionExecutor } from '../executor/executor.js';
import { maskUrl } from '../executor/secret.js';
import { MAX_SLAVES } from '../protocol/limits.js';
import { checkBroker } from '../run/broker-check.js';
import { ensureBundles } from '../run/bundles.js';
import { UsageError } from '../run/errors.js';
import { localMemoryMb } from '../run/local-memory.js';
import { localResultLimit } from '../run/local-result-limit.js';
import { checkOutputFile } from '../run/output-file.js';
import { formatRound, roundJson } from '../run/format.js';
import {
  DEFAULT_LOCAL_CONCURRENCY,
  mapHelp,
  mapUsageLine,
  parseMapArgs,
  type MapCommand,
} from '../run/map-args.js';
import { createProgressDisplay } from '../run/progress-display.js';
import { describeDeployment, roundActions } from '../run/round-actions.js';
import { writeRunOutputs } from '../run/run-outputs.js';
import { COLLECTION_GRACE_MS, isShippedSlave, runRound } from '../run/round.js';
import { packageRoot } from '../package-root.cjs';
import {
  interruptedStatus,
  onAbort,
  reportFailure,
  type Command,
  type CommandEnv,
  type CommandIo,
} from './command.js';

/** What one run of the command holds on to, so that a failure or a signal can clean up after it. */
interface MapRun {
  /** Every credential met on the way, so that no error line can show it. */
  readonly secrets: string[];
  executor?: FunctionExecutor;
  /** Stops the progress display, so that nothing is drawn after a failure or an interruption. */
  stopDisplay?: () => void;
}

async function main(argv: readonly string[], env: CommandEnv, io: CommandIo, state: MapRun): Promise<number> {
  const root = packageRoot();
  const invocation = parseMapArgs(argv, env, MAX_SLAVES);
  if (invocation.kind === 'help') {
    io.stdout.write(`${mapHelp(MAX_SLAVES)}\n`);
    return 0;
  }
  const { command } = invocation;
  rememberSecrets(command, state.secrets);
  if (command.historyFile !== undefined) await checkOutputFile(command.historyFile, '--history');
  if (command.plotFile !== undefined) await checkOutputFile(command.plotFile, '--plot');
  // A leader and N slaves: the total is known before the first invocation.
  const display = createProgressDisplay(io.stderr, { expectedTotal: command.n + 1 });
  state.stopDisplay = display.finish;

  await checkBroker(command.amqpUrl);
  const built = await ensureBundles(root);
  if (built !== undefined) display.note(`built the action bundles (${built})`);

  const executor = new FunctionExecutor({
    target: command.local ? 'local' : 'auto',
    optionNames: COMMAND_LINE_OPTIONS,
    ...(command.apihost === undefined ? {} : { apihost: command.apihost }),
    ...(command.auth === undefined ? {} : { apiKey: command.auth }),
    local: {
      prewarmContainers: 0,
      payloadLimitBytes: localResultLimit(command.n),
      ...(command.maxConcurrent === undefined ? {} : { maxConcurrent: command.maxConcurrent }),
    },
    onProgress: display.update,
  });
  state.executor = executor;
  const target = await executor.ready();
  display.note(`OpenWhisk: ${target.description}`);
  if (target.client === undefined) throw new Error('the executor has no OpenWhisk client to deploy with');

  const manifest = loadManifest(
    command.manifest === 'manifest.yaml' ? join(root, 'manifest.yaml') : command.manifest,
  );
  for (const warning of manifest.warnings) display.note(`warning: ${warning}`);
  const actions = roundActions(manifest, command.slaveAction);
  const slaveAction = actions.slave;
  const local = target.localWhisk !== undefined;
  const cap = target.localWhisk?.limits.concurrent;
  if (cap !== undefined && command.n + 1 > cap) {
    throw new UsageError(
      `the round runs ${command.n + 1} activations at once (the leader and ${command.n} slaves), above the ` +
        `embedded controller's ${cap}; raise it with --max-concurrent ${command.n + 1}`,
    );
  }
  const deployment = await deployManifest(target.client, manifest, {
    apihost: target.apihost,
    ...(local ? { extraLimits: localLimits(command.localConcurrency ?? DEFAULT_LOCAL_CONCURRENCY) } : {}),
  });
  display.note(`${describeDeployment(deployment)}; broker ${maskUrl(command.amqpUrl)}`);
  if (command.slaveAction !== undefined) display.note(`slave action: ${slaveAction}`);

  const wantHistory = command.historyFile !== undefined || command.plotFile !== undefined;
  const report = await runRound({
    executor,
    n: command.n,
    amqpUrl: command.amqpUrl,
    leaderAction: actions.leader,
    slaveAction,
    retries: command.retries,
    history: wantHistory,
    onNote: display.note,
    ...(command.timeoutMs === undefined
      ? { waitMs: actions.timeoutMs + COLLECTION_GRACE_MS }
      : { timeoutMs: command.timeoutMs }),
    ...(command.leaseMs === undefined ? {} : { leaseMs: command.leaseMs }),
    ...(command.maxHoldMs === undefined ? {} : { maxHoldMs: command.maxHoldMs }),
    ...(command.slaveParams === undefined ? {} : { slaveParams: command.slaveParams }),
    ...(command.appendRoute === undefined ? {} : { appendRoute: command.appendRoute }),
  });
  display.finish();

  const outputs = await writeRunOutputs(report, command, isShippedSlave(slaveAction));
  if (outputs.checkReport !== undefined) io.stderr.write(outputs.checkReport);
  for (const note of outputs.notes) display.note(note);
  const ok = report.ok && outputs.checkPassed;
  io.stdout.write(
    command.json ? roundJson({ ...report, ok }, outputs.extra) : formatRound({ ...report, ok }),
  );
  for (const failure of outputs.failures) io.stderr.write(`map: ${failure}\n`);
  return ok && outputs.failures.length === 0 ? 0 : 1;
}

/** Activations per container on the embedded controller, and the memory that many slaves need. */
function localLimits(concurrency: number): { concurrency: number; memory: number } {
  return { concurrency, memory: localMemoryMb(concurrency) };
}

function rememberSecrets(command: MapCommand, secrets: string[]): void {
  if (command.auth !== undefined) secrets.push(command.auth, ...command.auth.split(':').slice(1));
  try {
    const password = new URL(command.amqpUrl).password;
    if (password !== '') secrets.push(password, decodeURIComponent(password));
  } catch {
    // parseMapArgs has already rejected a malformed URL.
  }
}

export const map: Command = {
  name: 'map',
  summary: 'run one synchronized round of a leader and N slaves, and report it',
  interruptible: true,
  run: async (argv, env, io) => {
    const state: MapRun = { secrets: [] };
    const interrupted = onAbort(io.signal, undefined).then(() => interruptedStatus(io.signal));
    const code = await Promise.race([
      main(argv, env, io, state).catch((error: unknown) => {
        state.stopDisplay?.();
        return reportFailure('map', error, io, {
          secrets: state.secrets,
          usageLine: mapUsageLine(MAX_SLAVES),
          debug: argv.includes('--debug'),
        });
      }),
      interrupted,
    ]);
    if (io.signal.aborted) {
      state.stopDisplay?.();
      io.stderr.write('\nmap: interrupted; stopping\n');
    }
    await state.executor?.close().catch(() => undefined);
    return code;
  },
};
