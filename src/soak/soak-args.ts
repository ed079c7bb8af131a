import { parseArgs } from 'node:util';

import { DEFAULT_AMQP_URL } from '../run/map-args.js';
import { UsageError } from '../run/errors.js';
import { attachNegativeValues, integerInRange, parseArgsMessage } from '../run/option-values.js';
import { DEFAULT_MAX_N } from './plan.js';
import { MAX_SEED } from './prng.js';

export const DEFAULT_ROUNDS = 20;
export const MAX_ROUNDS = 100_000;
/** Largest `--max-n`: every slave and the leader run as processes on this machine. */
export const MAX_SOAK_N = 200;
export const DEFAULT_SOAK_TIMEOUT_MS = 30_000;
export const SOAK_TIMEOUT_RANGE_MS = [5_000, 300_000] as const;
/** Queue expiry of soak runs: what a killed party leaves must vanish soon after. */
export const DEFAULT_SOAK_EXPIRES_MS = 5_000;
export const SOAK_EXPIRES_RANGE_MS = [1_000, 300_000] as const;
/** Leader heartbeat of soak runs: a dead leader is noticed after the 5 s minimum silence. */
export const SOAK_HEARTBEAT_MS = 200;

/** What `npm run soak -- [options]` was asked to do. */
export interface SoakCommand {
  readonly rounds: number;
  /** Undefined: draw one and print it. */
  readonly seed: number | undefined;
  readonly maxN: number;
  readonly timeoutMs: number;
  readonly expiresMs: number;
  readonly amqpUrl: string;
  /** Undefined: the project's manifest.yaml. */
  readonly manifest: string | undefined;
}

export type SoakInvocation =
  { readonly kind: 'help' } | { readonly kind: 'run'; readonly command: SoakCommand };

export const SOAK_USAGE = 'usage: npm run soak -- [--rounds R] [--seed S] [options] (--help lists them)';

export const SOAK_HELP = `Fault soak: runs R rounds of the leader and N slaves on the embedded controller against the
broker, each with random N, container concurrency, append route, retries and lease and one random fault,
judges every round and prints a table per fault kind.

usage: npm run soak -- [options]

  --rounds R          rounds to run, 1..${MAX_ROUNDS} (default ${DEFAULT_ROUNDS})
  --seed S            seed of every random choice, 0..${MAX_SEED} (default: drawn and printed); round i
                      has seed S+i, and --rounds 1 --seed S+i replays it alone
  --max-n N           N is drawn from 1..N, N = 1..${MAX_SOAK_N} (default ${DEFAULT_MAX_N})
  --timeout-ms MS     deadline of every action, ${SOAK_TIMEOUT_RANGE_MS[0]}..${SOAK_TIMEOUT_RANGE_MS[1]} (default ${DEFAULT_SOAK_TIMEOUT_MS});
                      a round with no result after MS + 30 s is a hang
  --expires-ms MS     queue expiry of the runs, ${SOAK_EXPIRES_RANGE_MS[0]}..${SOAK_EXPIRES_RANGE_MS[1]} (default ${DEFAULT_SOAK_EXPIRES_MS});
                      anything of a run still there MS + 10 s after the round is a leak
  --amqp-url URL      RabbitMQ broker on this machine (default: $AMQP_URL, else ${DEFAULT_AMQP_URL})
  --manifest FILE     deployment manifest (default: the project's manifest.yaml)
  -h, --help          show this help

Faults: none; kill (SIGKILL a container); pause (SIGSTOP a container past its lease, then SIGCONT);
close-connection (rabbitmqctl close_connection on a container's connection); inject (forged and
malformed messages into every queue and exchange of the run as the broker creates them).

Needs rabbitmqctl and rabbitmq-plugins for the local broker: enables rabbitmq_event_exchange if it is
off and disables it again at the end. Exit status: 0 when no round broke a guarantee, hung or leaked and
every fault-free round succeeded; 1 otherwise; 2 for usage errors; 130 when interrupted.`;

const OPTIONS = {
  rounds: { type: 'string' },
  seed: { type: 'string' },
  'max-n': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'expires-ms': { type: 'string' },
  'amqp-url': { type: 'string' },
  manifest: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
const VALUE_OPTIONS = Object.entries(OPTIONS).flatMap(([name, spec]) =>
  spec.type === 'string' ? [name] : [],
);

/** Parses the arguments after `npm run soak --`; throws {@link UsageError} with one line for anything malformed. */
export function parseSoakArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SoakInvocation {
  let values;
  try {
    ({ values } = parseArgs({
      args: attachNegativeValues(argv, VALUE_OPTIONS),
      options: OPTIONS,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(parseArgsMessage(error));
  }
  if (values.help === true) return { kind: 'help' };
  const amqpUrl = values['amqp-url'] ?? (env.AMQP_URL?.trim() || DEFAULT_AMQP_URL);
  if (!/^amqps?:\/\//.test(amqpUrl)) {
    throw new UsageError(
      `${values['amqp-url'] === undefined ? 'AMQP_URL' : '--amqp-url'} must start with amqp:// or amqps://`,
    );
  }
  if (values.manifest?.trim() === '') throw new UsageError('--manifest must not be empty');
  const number = (name: keyof typeof OPTIONS, min: number, max: number, fallback: number): number => {
    const text = values[name];
    return typeof text === 'string' ? integerInRange(text, `--${name}`, min, max) : fallback;
  };
  return {
    kind: 'run',
    command: {
      rounds: number('rounds', 1, MAX_ROUNDS, DEFAULT_ROUNDS),
      seed: values.seed === undefined ? undefined : integerInRange(values.seed, '--seed', 0, MAX_SEED),
      maxN: number('max-n', 1, MAX_SOAK_N, DEFAULT_MAX_N),
      timeoutMs: number('timeout-ms', ...SOAK_TIMEOUT_RANGE_MS, DEFAULT_SOAK_TIMEOUT_MS),
      expiresMs: number('expires-ms', ...SOAK_EXPIRES_RANGE_MS, DEFAULT_SOAK_EXPIRES_MS),
      amqpUrl,
      manifest: values.manifest,
    },
  };
}
