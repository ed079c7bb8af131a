import { parseArgs } from 'node:util';

import { APPEND_ROUTES, type AppendRoute } from '../protocol/messages.js';
import { MAX_SLAVES } from '../protocol/limits.js';
import { UsageError } from '../run/errors.js';
import { integerInRange } from '../run/option-values.js';
import { DEFAULT_AMQP_URL, DEFAULT_LOCAL_CONCURRENCY, MAX_LOCAL_CONCURRENCY } from '../run/map-args.js';

/** What `npm run bench -- [options]` was asked to measure. */
export interface BenchCommand {
  /** Values of N for the end-to-end rounds. Default 10, 100, 500, 1000; `--quick`: 10, 50. */
  readonly ns: readonly number[];
  /** Cold + warm pairs per N. Default 1. */
  readonly repetitions: number;
  /**
   * Append route of the rounds. Default `'fanout'` (the protocol's default) at every N; `'auto'`:
   * `'fanout'` up to {@link AUTO_FANOUT_MAX_N} slaves, `'leader'` above.
   */
  readonly route: AppendRoute | 'auto';
  /**
   * From this N on, the rounds are repeated on the direct `'leader'` route as comparison rows (when
   * the main rounds ran another route). Default {@link COMPARE_DIRECT_FROM_N}; 0 turns them off.
   */
  readonly compareDirectFrom: number;
  /** Activations per container in the embedded controller. Default 50. */
  readonly localConcurrency: number;
  /** Round trips measured. Default 1000; `--quick`: 200. */
  readonly rttSamples: number;
  /** Deliveries aimed at per fanout measurement. Default 200000; `--quick`: 20000. */
  readonly fanoutDeliveries: number;
  /** Deadline of each round, in milliseconds. Default 120000. */
  readonly roundTimeoutMs: number;
  readonly amqpUrl: string;
  /** Directory of `latest.md` and `latest.json`. Default `bench/results`. */
  readonly outDir: string;
  readonly quick: boolean;
}

/** Largest N that `--route auto` runs on the fanout. */
export const AUTO_FANOUT_MAX_N = 100;

/** Smallest N whose rounds are repeated on the direct route by default. */
export const COMPARE_DIRECT_FROM_N = 500;

/** The route a round of `n` slaves uses. */
export function routeFor(route: AppendRoute | 'auto', n: number): AppendRoute {
  if (route !== 'auto') return route;
  return n <= AUTO_FANOUT_MAX_N ? 'fanout' : 'leader';
}

export type BenchInvocation =
  { readonly kind: 'help' } | { readonly kind: 'run'; readonly command: BenchCommand };

export const BENCH_USAGE =
  'usage: npm run bench -- [--quick] [--n 10,100,500,1000] [--reps R] [--route fanout|leader|auto] ' +
  '[--compare-direct-from N] ' +
  '[--local-concurrency C] [--rtt-samples K] [--fanout-deliveries D] [--round-timeout-ms MS] ' +
  '[--amqp-url URL] [--out DIR]';

const OPTIONS = {
  quick: { type: 'boolean' },
  n: { type: 'string' },
  reps: { type: 'string' },
  route: { type: 'string' },
  'compare-direct-from': { type: 'string' },
  'local-concurrency': { type: 'string' },
  'rtt-samples': { type: 'string' },
  'fanout-deliveries': { type: 'string' },
  'round-timeout-ms': { type: 'string' },
  'amqp-url': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the arguments after `npm run bench --`. Throws {@link UsageError} with one line. */
export function parseBenchArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): BenchInvocation {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.split('\n')[0] ?? message);
  }
  const { values } = parsed;
  if (values.help === true) return { kind: 'help' };
  const quick = values.quick === true;
  const ns =
    values.n === undefined ? (quick ? [10, 50] : [10, 100, 500, 1000]) : values.n.split(',').map(slaveCount);
  const route = values.route ?? 'fanout';
  const known = route === 'auto' ? route : APPEND_ROUTES.find((r) => r === route);
  if (known === undefined) {
    throw new UsageError(`--route must be auto, fanout or leader, got ${JSON.stringify(route)}`);
  }
  const amqpUrl = values['amqp-url'] ?? (env.AMQP_URL?.trim() || undefined) ?? DEFAULT_AMQP_URL;
  let protocol = '';
  try {
    protocol = new URL(amqpUrl).protocol;
  } catch {
    // Reported below.
  }
  if (protocol !== 'amqp:' && protocol !== 'amqps:') {
    throw new UsageError('the broker URL must be an amqp:// or amqps:// URL');
  }
  return {
    kind: 'run',
    command: {
      ns,
      repetitions: integer(values.reps, '--reps', 1, 20) ?? 1,
      route: known,
      compareDirectFrom:
        integer(values['compare-direct-from'], '--compare-direct-from', 0, MAX_SLAVES) ??
        COMPARE_DIRECT_FROM_N,
      localConcurrency:
        integer(values['local-concurrency'], '--local-concurrency', 1, MAX_LOCAL_CONCURRENCY) ??
        DEFAULT_LOCAL_CONCURRENCY,
      rttSamples: integer(values['rtt-samples'], '--rtt-samples', 10, 100_000) ?? (quick ? 200 : 1000),
      fanoutDeliveries:
        integer(values['fanout-deliveries'], '--fanout-deliveries', 1000, 10_000_000) ??
        (quick ? 20_000 : 200_000),
      roundTimeoutMs: integer(values['round-timeout-ms'], '--round-timeout-ms', 1000, 300_000) ?? 120_000,
      amqpUrl,
      outDir: values.out ?? 'bench/results',
      quick,
    },
  };
}

function slaveCount(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SLAVES) {
    throw new UsageError(
      `--n takes integers from 1 to ${MAX_SLAVES} separated by commas, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

function integer(text: string | undefined, name: string, min: number, max: number): number | undefined {
  return text === undefined ? undefined : integerInRange(text, name, min, max);
}
