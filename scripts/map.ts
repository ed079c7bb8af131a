// `npm run map -- N`: builds and deploys the actions, runs one synchronized round, reports it.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { deployManifest } from '../src/deploy/deploy.js';
import { loadManifest } from '../src/deploy/manifest.js';
import { COMMAND_LINE_OPTIONS } from '../src/executor/config.js';
import { FunctionExecutor } from '../src/executor/executor.js';
import { maskUrl } from '../src/executor/secret.js';
import { MAX_SLAVES } from '../src/protocol/limits.js';
import { checkBroker } from '../src/run/broker-check.js';
import { ensureBundles } from '../src/run/bundles.js';
import { describeCliFailure } from '../src/run/cli-failure.js';
import { UsageError } from '../src/run/errors.js';
import { checkOutputFile } from '../src/run/output-file.js';
import { formatRound, roundJson } from '../src/run/format.js';
import {
  DEFAULT_LOCAL_CONCURRENCY,
  mapHelp,
  mapUsageLine,
  parseMapArgs,
  type MapCommand,
} from '../src/run/map-args.js';
import { createProgressDisplay } from '../src/run/progress-display.js';
import { describeDeployment, roundActions } from '../src/run/round-actions.js';
import { writeRunOutputs } from '../src/run/run-outputs.js';
import { COLLECTION_GRACE_MS, runRound } from '../src/run/round.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Every credential met on the way, so that no error line can show it.
const secrets: string[] = [];
let executor: FunctionExecutor | undefined;
let stopDisplay: (() => void) | undefined;

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseMapArgs(argv, process.env, MAX_SLAVES);
  if (invocation.kind === 'help') {
    process.stdout.write(`${mapHelp(MAX_SLAVES)}\n`);
    return 0;
  }
  const { command } = invocation;
  rememberSecrets(command);
  if (command.historyFile !== undefined) await checkOutputFile(command.historyFile, '--history');
  if (command.plotFile !== undefined) await checkOutputFile(command.plotFile, '--plot');
  // A leader and N slaves: the total is known before the first invocation.
  const display = createProgressDisplay(process.stderr, { expectedTotal: command.n + 1 });
  stopDisplay = display.finish;

  await checkBroker(command.amqpUrl);
  const built = await ensureBundles(ROOT);
  if (built !== undefined) display.note(`built the action bundles (${built})`);

  executor = new FunctionExecutor({
    target: command.local ? 'local' : 'auto',
    optionNames: COMMAND_LINE_OPTIONS,
    ...(command.apihost === undefined ? {} : { apihost: command.apihost }),
    ...(command.auth === undefined ? {} : { apiKey: command.auth }),
    local: { prewarmContainers: 0 },
    onProgress: display.update,
  });
  const target = await executor.ready();
  display.note(`OpenWhisk: ${target.description}`);
  if (target.client === undefined) throw new Error('the executor has no OpenWhisk client to deploy with');

  const manifest = loadManifest(
    command.manifest === 'manifest.yaml' ? join(ROOT, 'manifest.yaml') : command.manifest,
  );
  for (const warning of manifest.warnings) display.note(`warning: ${warning}`);
  const actions = roundActions(manifest);
  const local = target.localWhisk !== undefined;
  const deployment = await deployManifest(target.client, manifest, {
    apihost: target.apihost,
    ...(local ? { extraLimits: { concurrency: command.localConcurrency ?? DEFAULT_LOCAL_CONCURRENCY } } : {}),
  });
  display.note(`${describeDeployment(deployment)}; broker ${maskUrl(command.amqpUrl)}`);

  const wantHistory = command.historyFile !== undefined || command.plotFile !== undefined;
  const report = await runRound({
    executor,
    n: command.n,
    amqpUrl: command.amqpUrl,
    leaderAction: actions.leader,
    slaveAction: actions.slave,
    retries: command.retries,
    history: wantHistory,
    onNote: display.note,
    ...(command.timeoutMs === undefined
      ? { waitMs: actions.timeoutMs + COLLECTION_GRACE_MS }
      : { timeoutMs: command.timeoutMs }),
    ...(command.leaseMs === undefined ? {} : { leaseMs: command.leaseMs }),
    ...(command.appendRoute === undefined ? {} : { appendRoute: command.appendRoute }),
  });
  display.finish();

  const outputs = await writeRunOutputs(report, command, local);
  if (outputs.checkReport !== undefined) process.stderr.write(outputs.checkReport);
  for (const note of outputs.notes) display.note(note);
  const ok = report.ok && outputs.checkPassed;
  process.stdout.write(
    command.json ? roundJson({ ...report, ok }, outputs.extra) : formatRound({ ...report, ok }),
  );
  for (const failure of outputs.failures) process.stderr.write(`map: ${failure}\n`);
  return ok && outputs.failures.length === 0 ? 0 : 1;
}

function rememberSecrets(command: MapCommand): void {
  if (command.auth !== undefined) secrets.push(command.auth, ...command.auth.split(':').slice(1));
  try {
    const password = new URL(command.amqpUrl).password;
    if (password !== '') secrets.push(password, decodeURIComponent(password));
  } catch {
    // parseMapArgs has already rejected a malformed URL.
  }
}

async function shutdown(): Promise<void> {
  await executor?.close().catch(() => undefined);
}

const argv = process.argv.slice(2);
process.once('SIGINT', () => {
  stopDisplay?.();
  process.stderr.write('\nmap: interrupted; stopping\n');
  void shutdown().then(() => process.exit(130));
});
void main(argv)
  .catch((error: unknown) => {
    stopDisplay?.();
    const failure = describeCliFailure(error, secrets);
    const usage = error instanceof UsageError ? ` — ${mapUsageLine(MAX_SLAVES)}` : '';
    process.stderr.write(`map: ${failure.line}${usage}\n`);
    if (argv.includes('--debug') && error instanceof Error && error.stack !== undefined) {
      process.stderr.write(`${error.stack}\n`);
    }
    return failure.exitCode;
  })
  .then(async (code) => {
    await shutdown();
    process.exitCode = code;
  });
