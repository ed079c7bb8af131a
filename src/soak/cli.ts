import { randomInt } from 'node:crypto';
import { join } from 'node:path';

import { loadManifest } from '../deploy/manifest.js';
import { packageRoot } from '../package-root.cjs';
import { maskUrl } from '../executor/secret.js';
import { checkBroker } from '../run/broker-check.js';
import { ensureBundles } from '../run/bundles.js';
import { describeCliFailure } from '../run/cli-failure.js';
import { UsageError } from '../run/errors.js';
import { enableEventPlugin, EVENT_PLUGIN, type RestorePlugin } from './event-plugin.js';
import { firstLine } from './first-line.js';
import { MAX_SEED } from './prng.js';
import { formatSoak } from './report.js';
import { parseSoakArgs, SOAK_HELP, SOAK_HEARTBEAT_MS, SOAK_USAGE } from './soak-args.js';
import { runSoak } from './soak.js';
import { soakFailed } from './table.js';

/** Where a command writes, and how it is told to stop. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Aborted on SIGINT: the soak stops after cutting the round under way short. */
  readonly signal?: AbortSignal;
}

/**
 * `whisk-sync soak` / `npm run soak`: runs a seeded fault soak and prints its table on stdout,
 * progress on stderr. Returns the exit status: 0 clean, 1 a violation, hang, leak or failed fault-free
 * round (or an error), 2 a usage error, 130 interrupted.
 */
export async function run(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number> {
  const progress = (line: string): void => void io.stderr.write(`${line}\n`);
  let restore: RestorePlugin | undefined;
  let secret = '';
  try {
    const invocation = parseSoakArgs(argv, env);
    if (invocation.kind === 'help') {
      io.stdout.write(`${SOAK_HELP}\n`);
      return 0;
    }
    const { command } = invocation;
    secret = passwordOf(command.amqpUrl);
    const seed = command.seed ?? randomInt(0, MAX_SEED);
    const root = packageRoot();
    await checkBroker(command.amqpUrl);
    const built = await ensureBundles(root);
    if (built !== undefined) progress(`built the action bundles (${built})`);
    const manifest = loadManifest(command.manifest ?? join(root, 'manifest.yaml'));
    restore = await enableEventPlugin();
    progress(
      `soak: ${command.rounds} rounds, seed ${seed}, broker ${maskUrl(command.amqpUrl)}, ${EVENT_PLUGIN} on`,
    );
    const result = await runSoak({
      seed,
      rounds: command.rounds,
      limits: { maxN: command.maxN },
      amqpUrl: command.amqpUrl,
      manifest,
      timeoutMs: command.timeoutMs,
      expiresMs: command.expiresMs,
      heartbeatMs: SOAK_HEARTBEAT_MS,
      progress,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    });
    io.stdout.write(formatSoak(result, seed, command));
    if (result.interrupted) return 130;
    return soakFailed(result.table) ? 1 : 0;
  } catch (error) {
    const failure = describeCliFailure(error, [secret]);
    const usage = error instanceof UsageError ? ` — ${SOAK_USAGE}` : '';
    io.stderr.write(`soak: ${failure.line}${usage}\n`);
    return failure.exitCode;
  } finally {
    if (restore !== undefined) {
      await restore().catch((error: unknown) => {
        io.stderr.write(`soak: could not disable ${EVENT_PLUGIN} again: ${firstLine(error)}\n`);
      });
    }
  }
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/** The directory holding whisk-sync's package.json, whether this runs from src/ or lib/src/. */
