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
  /**
   * No-op activations of the invocation-rate measurement (after a warm-up of 200). Default 1000; 0
   * skips it.
   */
  readonly invocations: number;
  /** Deadline of each round, in milliseconds. Default 120000. */
  readonly roundTimeoutMs: number;
  readonly amqpUrl: string;
  /**
   * Directory of `latest.md` and `latest.json`. Default {@link SCRATCH_DIR} (untracked), so that a trial
   * run never replaces the committed figures; `--save` writes {@link SAVED_DIR}, `--out DIR` writes DIR.
   */
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

/** Where `--save` writes: the figures committed with the project and quoted in the README. */
export const SAVED_DIR = 'bench/results';
/** Where a run writes without `--save` or `--out`; ignored by git. */
export const SCRATCH_DIR = 'bench/results/scratch';

/** Defaults and accepted ranges of the numeric options, shared by the parser and `--help`. */
const LIMITS = {
  reps: { min: 1, max: 20, fallback: 1 },
  compareDirectFrom: { min: 0, max: MAX_SLAVES, fallback: COMPARE_DIRECT_FROM_N },
  localConcurrency: { min: 1, max: MAX_LOCAL_CONCURRENCY, fallback: DEFAULT_LOCAL_CONCURRENCY },
  rttSamples: { min: 10, max: 100_000, fallback: 1000, quick: 200 },
  fanoutDeliveries: { min: 1000, max: 10_000_000, fallback: 200_000, quick: 20_000 },
  invocations: { min: 0, max: 100_000, fallback: 1000 },
  roundTimeoutMs: { min: 1000, max: 300_000, fallback: 120_000 },
} as const;
const DEFAULT_NS = [10, 100, 500, 1000];
const QUICK_NS = [10, 50];

/** One-line usage, printed after every usage error. */
export const BENCH_USAGE =
  'usage: npm run bench -- [--quick] [--n N,...] [--reps R] [--route fanout|leader|auto] ' +
  '[--compare-direct-from N] [--local-concurrency C] [--rtt-samples K] [--fanout-deliveries D] ' +
  '[--invocations K] [--round-timeout-ms MS] [--amqp-url URL] [--save | --out DIR] (--help lists defaults and ranges)';

const range = ({ min, max }: { min: number; max: number }): string => `${min}..${max}`;

/** The full `--help` text: every option with its default and accepted range. */
export const BENCH_HELP = `Measures the broker's bounds (round trip, fanout) and end-to-end rounds on the embedded controller.

usage: npm run bench -- [options]

  --quick                    smaller defaults: --n ${QUICK_NS.join(',')}, --rtt-samples ${LIMITS.rttSamples.quick}, --fanout-deliveries ${LIMITS.fanoutDeliveries.quick}
  --n N,...                  slave counts of the rounds, each 1..${MAX_SLAVES} (default ${DEFAULT_NS.join(',')})
  --reps R                   cold + warm round pairs per N, ${range(LIMITS.reps)} (default ${LIMITS.reps.fallback})
  --route ROUTE              append route: fanout (default), leader, or auto (fanout up to N = ${AUTO_FANOUT_MAX_N}, leader above)
  --compare-direct-from N    from this N on, repeat the rounds on the leader route, ${range(LIMITS.compareDirectFrom)}
                             (default ${LIMITS.compareDirectFrom.fallback}; 0 turns the comparison off)
  --local-concurrency C      activations per container, ${range(LIMITS.localConcurrency)} (default ${LIMITS.localConcurrency.fallback})
  --rtt-samples K            round trips measured, ${range(LIMITS.rttSamples)} (default ${LIMITS.rttSamples.fallback})
  --fanout-deliveries D      deliveries aimed at per fanout measurement, ${range(LIMITS.fanoutDeliveries)} (default ${LIMITS.fanoutDeliveries.fallback})
  --invocations K            no-op activations of the invocations/s measurement, ${range(LIMITS.invocations)}
                             (default ${LIMITS.invocations.fallback}; 0 skips it)
  --round-timeout-ms MS      deadline of each round, ${range(LIMITS.roundTimeoutMs)} (default ${LIMITS.roundTimeoutMs.fallback})
  --amqp-url URL             RabbitMQ broker (default: $AMQP_URL, else ${DEFAULT_AMQP_URL})
  --save                     write the results to ${SAVED_DIR}/latest.md and .json, the committed figures
  --out DIR                  write the results to DIR/latest.md and .json
  -h, --help                 show this help

Without --save or --out the results go to ${SCRATCH_DIR}/ (not tracked by git), so a trial run
never replaces the committed figures. Exit status: 0 when every round agreed, 1 otherwise, 2 for usage errors.`;

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
  invocations: { type: 'string' },
  'amqp-url': { type: 'string' },
  save: { type: 'boolean' },
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
  const ns = values.n === undefined ? (quick ? QUICK_NS : DEFAULT_NS) : values.n.split(',').map(slaveCount);
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
      repetitions: integer(values.reps, '--reps', LIMITS.reps),
      route: known,
      compareDirectFrom: integer(
        values['compare-direct-from'],
        '--compare-direct-from',
        LIMITS.compareDirectFrom,
      ),
      localConcurrency: integer(values['local-concurrency'], '--local-concurrency', LIMITS.localConcurrency),
      rttSamples: integer(values['rtt-samples'], '--rtt-samples', LIMITS.rttSamples, quick),
      fanoutDeliveries: integer(
        values['fanout-deliveries'],
        '--fanout-deliveries',
        LIMITS.fanoutDeliveries,
        quick,
      ),
      invocations: integer(values.invocations, '--invocations', LIMITS.invocations),
      roundTimeoutMs: integer(values['round-timeout-ms'], '--round-timeout-ms', LIMITS.roundTimeoutMs),
      amqpUrl,
      outDir: outDir(values.out, values.save === true),
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

function integer(
  text: string | undefined,
  name: string,
  limit: { min: number; max: number; fallback: number; quick?: number },
  quick = false,
): number {
  if (text !== undefined) return integerInRange(text, name, limit.min, limit.max);
  return quick ? (limit.quick ?? limit.fallback) : limit.fallback;
}

function outDir(out: string | undefined, save: boolean): string {
  if (out !== undefined && save) throw new UsageError('--save and --out exclude each other');
  if (out !== undefined) {
    if (out.trim() === '') throw new UsageError('--out must not be empty');
    return out;
  }
  return save ? SAVED_DIR : SCRATCH_DIR;
}
