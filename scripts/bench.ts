// `npm run bench`: broker bounds (round trip, fanout) and end-to-end rounds on the embedded controller.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  brokerVersion,
  measureFanout,
  measureRoundTrip,
  type FanoutFigures,
} from '../src/bench/amqp-probe.js';
import {
  BENCH_HELP,
  BENCH_USAGE,
  parseBenchArgs,
  routeFor,
  type BenchCommand,
} from '../src/bench/bench-args.js';
import { MemorySampler } from '../src/bench/memory.js';
import { measureProcessRoundTrip } from '../src/bench/process-probe.js';
import { roundFigures, type RoundFigures } from '../src/bench/round-figures.js';
import { benchMarkdown, firstProblems, type BenchResults } from '../src/bench/table.js';
import { deployManifest } from '../src/deploy/deploy.js';
import { loadManifest, type Manifest } from '../src/deploy/manifest.js';
import { FunctionExecutor } from '../src/executor/executor.js';
import { startLocalWhisk } from '../src/localwhisk/index.js';
import { maskUrl } from '../src/protocol/mask.js';
import type { AppendRoute } from '../src/protocol/messages.js';
import { checkBroker } from '../src/run/broker-check.js';
import { ensureBundles } from '../src/run/bundles.js';
import { describeCliFailure } from '../src/run/cli-failure.js';
import { UsageError } from '../src/run/errors.js';
import { runRound } from '../src/run/round.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROBE_DEADLINE_MS = 120_000;
const progress = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseBenchArgs(argv, process.env);
  if (invocation.kind === 'help') {
    process.stdout.write(`${BENCH_HELP}\n`);
    return 0;
  }
  const command = invocation.command;
  const started = Date.now();
  await checkBroker(command.amqpUrl);
  const broker = await brokerVersion(command.amqpUrl, PROBE_DEADLINE_MS);
  progress(`${broker} at ${maskUrl(command.amqpUrl)}; measuring the round trip`);
  const roundTrip = await measureRoundTrip(command.amqpUrl, command.rttSamples, PROBE_DEADLINE_MS);
  progress(`round trip p50 ${roundTrip.p50} ms, p90 ${roundTrip.p90} ms, p99 ${roundTrip.p99} ms`);
  const processRoundTrip = await measureProcessRoundTrip(
    command.amqpUrl,
    command.rttSamples,
    PROBE_DEADLINE_MS,
  );
  progress(
    `round trip between two processes, signed: p50 ${processRoundTrip.p50} ms, ` +
      `p90 ${processRoundTrip.p90} ms, p99 ${processRoundTrip.p99} ms`,
  );
  const fanout: FanoutFigures[] = [];
  for (const n of [...new Set(command.ns)]) {
    const messages = Math.max(5, Math.ceil(command.fanoutDeliveries / n));
    const figures = await measureFanout(command.amqpUrl, n, messages, PROBE_DEADLINE_MS);
    progress(`fanout to ${n} queues: ${figures.deliveriesPerSecond} deliveries/s`);
    fanout.push(figures);
  }

  const built = await ensureBundles(ROOT);
  if (built !== undefined) progress(`built the action bundles (${built})`);
  const manifest = loadManifest(join(ROOT, 'manifest.yaml'));
  const rounds: RoundFigures[] = [];
  for (const n of command.ns) {
    for (let rep = 0; rep < command.repetitions; rep++) {
      const route = routeFor(command.route, n);
      rounds.push(...(await coldAndWarm(n, route, manifest, command)));
      if (route !== 'leader' && command.compareDirectFrom > 0 && n >= command.compareDirectFrom)
        rounds.push(...(await coldAndWarm(n, 'leader', manifest, command)));
    }
  }

  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      memoryBytes: totalmem(),
      node: process.versions.node,
      platform: `${platform()} ${release()}`,
      broker,
    },
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    localConcurrency: command.localConcurrency,
    roundTrip,
    processRoundTrip,
    fanout,
    rounds,
  };
  const outDir = resolve(command.outDir);
  await mkdir(outDir, { recursive: true });
  const markdown = benchMarkdown(results);
  await writeFile(join(outDir, 'latest.md'), markdown);
  await writeFile(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(markdown);
  progress(`wrote ${join(command.outDir, 'latest.md')} and latest.json`);
  return rounds.every((r) => r.ok) ? 0 : 1;
}

/** The manifest with an append route as a package parameter (the leader decides it for the run). */
function withRoute(manifest: Manifest, route: AppendRoute): Manifest {
  return {
    ...manifest,
    packages: manifest.packages.map((pkg) => ({ ...pkg, inputs: { ...pkg.inputs, appendRoute: route } })),
  };
}

/** One fresh controller: a cold round (no container exists), then a warm one (containers reused). */
async function coldAndWarm(
  n: number,
  route: AppendRoute,
  manifest: Manifest,
  command: BenchCommand,
): Promise<RoundFigures[]> {
  const localWhisk = await startLocalWhisk({ prewarmContainers: 0 });
  const executor = new FunctionExecutor({ target: 'local', localWhisk });
  try {
    const target = await executor.ready();
    if (target.client === undefined) throw new Error('the executor has no OpenWhisk client to deploy with');
    await deployManifest(target.client, withRoute(manifest, route), {
      extraLimits: { concurrency: command.localConcurrency },
    });
    const figures: RoundFigures[] = [];
    for (const mode of ['cold', 'warm'] as const) {
      progress(`N = ${n}, ${mode}, ${route} route: running`);
      const containers = new MemorySampler(() => localWhisk.containers().map((c) => c.pid));
      const controller = new MemorySampler(() => [process.pid]);
      containers.start();
      controller.start();
      let report;
      let containersPeakBytes = 0;
      let controllerPeakBytes = 0;
      try {
        report = await runRound({
          executor,
          n,
          amqpUrl: command.amqpUrl,
          history: true,
          timeoutMs: command.roundTimeoutMs,
        });
      } finally {
        containersPeakBytes = containers.stop();
        controllerPeakBytes = controller.stop();
      }
      const figure = roundFigures({
        report,
        mode,
        route,
        containersPeakBytes,
        controllerPeakBytes,
      });
      const h = figure.handoffMs;
      progress(
        `N = ${n}, ${mode}: ${figure.ok ? 'agreed' : `FAILED (${firstProblems(figure.problems)})`} in ` +
          `${(figure.totalMs / 1000).toFixed(2)} s; handoff p50 ${h?.p50 ?? '–'} ms`,
      );
      figures.push(figure);
    }
    return figures;
  } finally {
    await executor.close().catch(() => undefined);
    await localWhisk.close();
  }
}

const argv = process.argv.slice(2);
void main(argv)
  .catch((error: unknown) => {
    const failure = describeCliFailure(error);
    const usage = error instanceof UsageError ? ` — ${BENCH_USAGE}` : '';
    process.stderr.write(`bench: ${failure.line}${usage}\n`);
    return failure.exitCode;
  })
  .then((code) => {
    process.exitCode = code;
  });
