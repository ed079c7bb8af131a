// `npm run map -- N`: builds and deploys the actions, runs one synchronized round, reports it.
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { deployManifest } from '../src/deploy/deploy.js';
import { loadManifest, type Manifest } from '../src/deploy/manifest.js';
import { FunctionExecutor } from '../src/executor/executor.js';
import { maskUrl } from '../src/executor/secret.js';
import { checkHistory } from '../src/history/checker.js';
import { formatReport } from '../src/history/format-report.js';
import { writeHistoryFile } from '../src/history/jsonl.js';
import { renderTimeline } from '../src/plot/timeline.js';
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
import {
  COLLECTION_GRACE_MS,
  DEFAULT_LEADER_ACTION,
  DEFAULT_SLAVE_ACTION,
  isShippedSlave,
  runRound,
} from '../src/run/round.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Every credential met on the way, so that no error line can show it.
const secrets: string[] = [];
let executor: FunctionExecutor | undefined;

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
  const display = createProgressDisplay(process.stderr);

  await checkBroker(command.amqpUrl);
  const built = await ensureBundles(ROOT);
  if (built !== undefined) display.note(`built the action bundles (${built})`);

  executor = new FunctionExecutor({
    target: command.local ? 'local' : 'auto',
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
  const local = target.localWhisk !== undefined;
  await deployManifest(
    target.client,
    manifest,
    local ? { extraLimits: { concurrency: command.localConcurrency ?? DEFAULT_LOCAL_CONCURRENCY } } : {},
  );
  const actions = actionNames(manifest);
  const slaveAction = command.slaveAction ?? actions.slave;
  display.note(`deployed ${actions.leader} and ${actions.slave}; broker ${maskUrl(command.amqpUrl)}`);
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

  let ok = report.ok;
  const extra: Record<string, unknown> = {};
  if (command.historyFile !== undefined) {
    const events = report.history ?? [];
    await writeHistoryFile(command.historyFile, events);
    const check = checkHistory(events, {
      sharedClock: local,
      runId: report.runId,
      drawnValues: isShippedSlave(slaveAction),
    });
    extra.history = { file: command.historyFile, events: events.length, checkPassed: check.passed };
    if (!check.passed) {
      ok = false;
      process.stderr.write(formatReport(check));
    }
    display.note(
      `history: ${events.length} events in ${command.historyFile}; check ${check.passed ? 'passed' : 'FAILED'}`,
    );
  }
  if (command.plotFile !== undefined) {
    await writeFile(command.plotFile, renderTimeline(report.history ?? []));
    extra.plot = command.plotFile;
    display.note(`timeline: ${command.plotFile}`);
  }
  process.stdout.write(command.json ? roundJson({ ...report, ok }, extra) : formatRound({ ...report, ok }));
  return ok ? 0 : 1;
}

function actionNames(manifest: Manifest): { leader: string; slave: string; timeoutMs: number } {
  const all = manifest.packages.flatMap((pkg) => pkg.actions);
  const leader = all.find((action) => action.name === 'leader');
  const slave = all.find((action) => action.name === 'slave');
  return {
    leader: leader?.qualifiedName ?? DEFAULT_LEADER_ACTION,
    slave: slave?.qualifiedName ?? DEFAULT_SLAVE_ACTION,
    // OpenWhisk's default action time limit when the manifest sets none.
    timeoutMs: Math.max(leader?.limits.timeout ?? 60_000, slave?.limits.timeout ?? 60_000),
  };
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
  process.stderr.write('\nmap: interrupted; stopping\n');
  void shutdown().then(() => process.exit(130));
});
void main(argv)
  .catch((error: unknown) => {
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
