// `whisk-sync bench` (`npm run bench` in a clone): broker bounds (round trip, fanout) and end-to-end rounds on the embedded controller.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { brokerVersion, measureFanout, measureRoundTrip, type FanoutFigures } from '../bench/amqp-probe.js';
import { BENCH_HELP, BENCH_USAGE, parseBenchArgs, routeFor, type BenchCommand } from '../bench/bench-args.js';
import { measureInvocationRate, type InvocationRateFigures } from '../bench/invocation-rate.js';
import { MemorySampler } from '../bench/memory.js';
import type { RoundMemory } from '../bench/round-figures.js';
import { measureProcessRoundTrip } from '../bench/process-probe.js';
import { roundFigures, type RoundFigures } from '../bench/round-figures.js';
import { benchMarkdown, firstProblems, type BenchResults } from '../bench/table.js';
import { verdicts } from '../bench/targets.js';
import { deployManifest } from '../deploy/deploy.js';
import { loadManifest, type Manifest } from '../deploy/manifest.js';
import { FunctionExecutor } from '../executor/executor.js';
import { startLocalWhisk } from '../localwhisk/index.js';
import { DEFAULT_MAX_CONCURRENT } from '../localwhisk/options.js';
import { maskUrl } from '../protocol/mask.js';
import type { AppendRoute } from '../protocol/messages.js';
import { checkBroker } from '../run/broker-check.js';
import { ensureBundles } from '../run/bundles.js';
import { localMemoryMb } from '../run/local-memory.js';
import { localResultLimit } from '../run/local-result-limit.js';
import { runRound } from '../run/round.js';
import { packageRoot } from '../package-root.cjs';
import { reportFailure, type Command, type CommandEnv, type CommandIo } from './command.js';

const PROBE_DEADLINE_MS = 120_000;
const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
const progress = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

async function main(argv: readonly string[], env: CommandEnv, io: CommandIo): Promise<number> {
  const ROOT = packageRoot();
  const invocation = parseBenchArgs(argv, env);
  if (invocation.kind === 'help') {
    io.stdout.write(`${BENCH_HELP}\n`);
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

  let invocationRate: InvocationRateFigures | undefined;
  if (command.invocations > 0) {
    progress(`invoking ${command.invocations} no-op activations`);
    invocationRate = await measureInvocationRate(command.invocations, command.localConcurrency);
    progress(
      `${invocationRate.acceptedPerSecond} invocations/s accepted, ` +
        `${invocationRate.completedPerSecond} activations/s completed`,
    );
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

  const measured = { processRoundTrip, rounds, invocationRate };
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
    ...(invocationRate === undefined ? {} : { invocationRate }),
    rounds,
    verdicts: verdicts(measured),
  };
  const outDir = resolve(command.outDir);
  await mkdir(outDir, { recursive: true });
  const markdown = benchMarkdown(results);
  await writeFile(join(outDir, 'latest.md'), markdown);
  await writeFile(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  io.stdout.write(markdown);
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
  // The leader and every slave run at once: the controller's cap must let all of them in.
  const localWhisk = await startLocalWhisk({
    prewarmContainers: 0,
    maxConcurrent: Math.max(DEFAULT_MAX_CONCURRENT, n + 1),
    payloadLimitBytes: localResultLimit(n),
  });
  // An executor keeps every future it made (its getResult() with no argument waits on all of them),
  // so each round gets its own: the warm round must not carry the cold round's N results along.
  const newExecutor = () => new FunctionExecutor({ target: 'local', localWhisk });
  try {
    const deployer = newExecutor();
    try {
      const target = await deployer.ready();
      if (target.client === undefined) throw new Error('the executor has no OpenWhisk client to deploy with');
      await deployManifest(target.client, withRoute(manifest, route), {
        extraLimits: {
          concurrency: command.localConcurrency,
          memory: localMemoryMb(command.localConcurrency),
        },
      });
    } finally {
      await deployer.close().catch(() => undefined);
    }
    const figures: RoundFigures[] = [];
    for (const mode of ['cold', 'warm'] as const) {
      progress(`N = ${n}, ${mode}, ${route} route: running`);
      const sampler = new MemorySampler(() => ({
        controller: [process.pid],
        containers: localWhisk.containers().map((c) => c.pid),
      }));
      sampler.start();
      let report;
      let memory: RoundMemory;
      const executor = newExecutor();
      try {
        report = await runRound({
          executor,
          n,
          amqpUrl: command.amqpUrl,
          history: true,
          timeoutMs: command.roundTimeoutMs,
        });
      } finally {
        await executor.close().catch(() => undefined);
        const peaks = sampler.stop();
        memory = {
          containersPeakBytes: peaks.containers.pss,
          containersRssPeakBytes: peaks.containers.rss,
          controllerPeakBytes: peaks.controller.pss,
          totalPeakBytes: peaks.all.pss,
        };
      }
      const figure = roundFigures({ report, mode, route, memory });
      const h = figure.handoffMs;
      progress(
        `N = ${n}, ${mode}: ${figure.ok ? 'agreed' : `FAILED (${firstProblems(figure.problems)})`} in ` +
          `${(figure.totalMs / 1000).toFixed(2)} s; handoff p50 ${h?.p50 ?? '–'} ms; peak memory ` +
          `${mb(figure.totalPeakBytes)} MB (PSS; controller ${mb(figure.controllerPeakBytes)}, containers ` +
          `${mb(figure.containersPeakBytes)})`,
      );
      figures.push(figure);
    }
    return figures;
  } finally {
    await localWhisk.close();
  }
}

export const bench: Command = {
  name: 'bench',
  summary: 'measure the broker and end-to-end rounds on the embedded controller',
  interruptible: false,
  run: (argv, env, io) =>
    main(argv, env, io).catch((error: unknown) =>
      reportFailure('bench', error, io, { usageLine: BENCH_USAGE }),
    ),
};
