import { formatHelp } from '../cli/help.js';
import { DEFAULT_MAX_CONCURRENT, MAX_MAX_CONCURRENT } from '../localwhisk/options.js';
import { DEFAULT_LEASE_MS, DEFAULT_MAX_HOLD_MS, PARAM_RANGES, type Range } from '../protocol/limits.js';
import { APPEND_ROUTES, type AppendRoute } from '../protocol/messages.js';
import { UsageError } from './errors.js';
import { integerInRange, parseArgsMessage, parseCommandLine } from './option-values.js';
import { parseParam, slaveParamsProblem } from './slave-params.js';

/** Default broker when neither `--amqp-url` nor `AMQP_URL` is given. */
export const DEFAULT_AMQP_URL = 'amqp://localhost';
/**
 * Default activations per container on the embedded controller. Slaves mostly wait on the broker, so
 * sharing a process costs them little, while a process per slave costs a cold start and ~50 MB each.
 */
export const DEFAULT_LOCAL_CONCURRENCY = 50;
/** Largest `--local-concurrency`: the embedded controller's limit on `limits.concurrency`. */
export const MAX_LOCAL_CONCURRENCY = 500;
/** Default manifest, relative to the working directory. */
export const DEFAULT_MANIFEST = 'manifest.yaml';

/** What `npm run map -- N [options]` was asked to do. */
export interface MapCommand {
  /** Number of slaves, 1..maxN. */
  readonly n: number;
  /** Print one JSON object on stdout instead of the human report. */
  readonly json: boolean;
  readonly amqpUrl: string;
  readonly apihost?: string;
  readonly auth?: string;
  /** Use the embedded controller even when an OpenWhisk is configured. */
  readonly local: boolean;
  /** Activations one embedded-controller container serves at once (ignored for a remote OpenWhisk). */
  readonly localConcurrency?: number;
  /**
   * Activations the embedded controller lets run at once before it answers 429 (ignored for a remote
   * OpenWhisk); at least N + 1, the leader and every slave. Default: the controller's 2000.
   */
  readonly maxConcurrent?: number;
  /** Deadline of the whole round, and of each action. */
  readonly timeoutMs?: number;
  readonly leaseMs?: number;
  /** Longest hold of one grant, renewals included. */
  readonly maxHoldMs?: number;
  /** The slave action to run (`pkg/action`); default the shipped slave. */
  readonly slaveAction?: string;
  /** Extra parameters for every slave (`--param key=value`). */
  readonly slaveParams?: Readonly<Record<string, unknown>>;
  /** Where slaves publish their appends (`fanout`, the default, or `leader`). */
  readonly appendRoute?: AppendRoute;
  /** How often a failed slave is re-invoked with the same id. Default 0: report it to the leader instead. */
  readonly retries: number;
  readonly historyFile?: string;
  readonly plotFile?: string;
  readonly manifest: string;
  /** Print stacks of unexpected errors. */
  readonly debug: boolean;
}

/** The parsed command line: either a run or a request for help. */
export type MapInvocation =
  { readonly kind: 'help' } | { readonly kind: 'run'; readonly command: MapCommand };

/** One-line usage, printed after every usage error. */
export function mapUsageLine(maxN: number): string {
  return `usage: npm run map -- N [options], N = 1..${maxN} (--help lists the options)`;
}

/** The full `--help` text. */
export function mapHelp(maxN: number): string {
  return formatHelp({
    name: 'map',
    usage: 'N [options]',
    summary: 'Runs one synchronized round: a leader and N slaves agree on one list of N random integers.',
    options: [
      { flags: 'N', text: 'number of slave actions, required', range: `1..${maxN}` },
      {
        flags: '--json',
        text: 'print one JSON object on stdout (runId, n, agree, list, results, elapsedMs, ...)',
        default: 'off',
      },
      { flags: '--amqp-url URL', text: 'RabbitMQ broker', default: `$AMQP_URL, else ${DEFAULT_AMQP_URL}` },
      {
        flags: '--apihost HOST',
        text: 'OpenWhisk API host',
        default: '__OW_API_HOST, ~/.wskprops, else the embedded controller',
      },
      { flags: '--auth KEY', text: 'OpenWhisk API key uuid:key', default: '__OW_API_KEY, ~/.wskprops' },
      {
        flags: '--local',
        text: 'use the embedded controller even when an OpenWhisk is configured',
        default: 'off',
      },
      {
        flags: '--local-concurrency C',
        text: 'activations per container on the embedded controller; 1 gives every activation its own process, as OpenWhisk does by default',
        default: String(DEFAULT_LOCAL_CONCURRENCY),
        range: `1..${MAX_LOCAL_CONCURRENCY}`,
      },
      {
        flags: '--max-concurrent C',
        text: 'activations the embedded controller runs at once before it refuses more (429); a round needs N + 1',
        default: String(DEFAULT_MAX_CONCURRENT),
        range: `N + 1..${MAX_MAX_CONCURRENT}`,
      },
      {
        flags: '--timeout-ms MS',
        text: "how long the client waits for the round (MS + 15 s); also the actions' deadline where the platform sets none (__OW_DEADLINE, from the action's time limit, wins)",
        default: "the manifest's longest action time limit",
        range: `${PARAM_RANGES.timeoutMs.min}..${PARAM_RANGES.timeoutMs.max}`,
      },
      {
        flags: '--lease-ms MS',
        text: 'lease of one write grant; a holder that neither appends nor renews in time is revoked (a live holder renews every third of a lease)',
        default: String(DEFAULT_LEASE_MS),
        range: `${PARAM_RANGES.leaseMs.min}..${PARAM_RANGES.leaseMs.max}, below --timeout-ms`,
      },
      {
        flags: '--max-hold-ms MS',
        text: 'longest hold of one grant, renewals included',
        default: String(DEFAULT_MAX_HOLD_MS),
        range: `the lease..${PARAM_RANGES.maxHoldMs.max}`,
      },
      {
        flags: '--slave-action NAME',
        text: 'the slave action (pkg/action), e.g. your own built on whisk-sync/action',
        default: 'the shipped slave, which draws integers in 0..1000',
      },
      {
        flags: '--param KEY=VALUE',
        text: 'a parameter for every slave, repeatable; VALUE is parsed as JSON when it is JSON, else taken as a string',
        default: 'none',
      },
      {
        flags: '--append-route ROUTE',
        text: 'fanout: every slave receives every append, about N² deliveries; leader: appends go to the leader alone, about N deliveries (for large N)',
        default: 'fanout',
        range: APPEND_ROUTES.join(' or '),
      },
      {
        flags: '--retries K',
        text: 're-invoke a failed slave up to K times with the same id',
        default: '0',
        range: 'at least 0',
      },
      {
        flags: '--history FILE',
        text: "write the run's JSONL history to FILE and check it (a failed check exits 1)",
        default: 'off',
      },
      { flags: '--plot FILE.svg', text: "draw the run's timeline as SVG", default: 'off' },
      {
        flags: '--manifest FILE',
        text: 'deployment manifest',
        default: `${DEFAULT_MANIFEST}, whisk-sync's own leader and slave`,
      },
      { flags: '--debug', text: 'print stack traces of unexpected errors', default: 'off' },
    ],
    exit:
      '0 when the leader succeeded and all N slaves returned the same list of N values (integers in 0..1000 for the shipped slave); ' +
      '1 when the run failed or disagreed; 2 for usage errors',
  });
}

const OPTIONS = {
  json: { type: 'boolean' },
  'amqp-url': { type: 'string' },
  apihost: { type: 'string' },
  auth: { type: 'string' },
  local: { type: 'boolean' },
  'local-concurrency': { type: 'string' },
  'max-concurrent': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'lease-ms': { type: 'string' },
  'max-hold-ms': { type: 'string' },
  'slave-action': { type: 'string' },
  param: { type: 'string', multiple: true },
  'append-route': { type: 'string' },
  retries: { type: 'string' },
  history: { type: 'string' },
  plot: { type: 'string' },
  manifest: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parses the arguments after `npm run map --`. Throws {@link UsageError} with a one-line message for
 * anything malformed: a missing, non-integer, zero, negative or too large N, an unknown option, a
 * malformed number or broker URL.
 */
export function parseMapArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  maxN: number,
): MapInvocation {
  const parsed = parseCommandLine(argv, OPTIONS, true, (error) => describeParseError(error, argv, maxN));
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };

  if (positionals.length === 0) throw new UsageError(`missing N, the number of slaves (1..${maxN})`);
  if (positionals.length > 1) {
    throw new UsageError(`expected one N, got ${positionals.length} arguments: ${positionals.join(' ')}`);
  }
  const n = integerInRange(positionals[0] ?? '', 'N', 1, maxN);

  const amqpUrl = values['amqp-url'] ?? nonEmpty(env.AMQP_URL) ?? DEFAULT_AMQP_URL;
  checkAmqpUrl(amqpUrl, values['amqp-url'] === undefined ? 'AMQP_URL' : '--amqp-url');
  if (values.plot !== undefined && !values.plot.endsWith('.svg')) {
    throw new UsageError(`--plot expects a file name ending in .svg, got ${JSON.stringify(values.plot)}`);
  }
  // The actions' own ranges: a value they would refuse stops here, before anything is invoked.
  const timeoutMs = optionalInRange(values['timeout-ms'], '--timeout-ms', PARAM_RANGES.timeoutMs);
  const leaseMs = optionalInRange(values['lease-ms'], '--lease-ms', PARAM_RANGES.leaseMs);
  const maxHoldMs = optionalInRange(values['max-hold-ms'], '--max-hold-ms', PARAM_RANGES.maxHoldMs);
  const slaveParams = optionalParams(values.param);
  const appendRoute = optionalRoute(values['append-route']);
  const localConcurrency = optionalInteger(values['local-concurrency'], '--local-concurrency', 1);
  if (localConcurrency !== undefined && localConcurrency > MAX_LOCAL_CONCURRENCY) {
    throw new UsageError(
      `--local-concurrency must be at most ${MAX_LOCAL_CONCURRENCY}, got ${localConcurrency}`,
    );
  }
  const maxConcurrent = optionalMaxConcurrent(values['max-concurrent'], n);
  const command: MapCommand = {
    n,
    json: values.json === true,
    amqpUrl,
    local: values.local === true,
    retries: optionalInteger(values.retries, '--retries', 0) ?? 0,
    manifest: values.manifest ?? DEFAULT_MANIFEST,
    debug: values.debug === true,
    ...(values.apihost === undefined ? {} : { apihost: nonBlank(values.apihost, '--apihost') }),
    ...(values.auth === undefined ? {} : { auth: nonBlank(values.auth, '--auth') }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(localConcurrency === undefined ? {} : { localConcurrency }),
    ...(maxConcurrent === undefined ? {} : { maxConcurrent }),
    ...(leaseMs === undefined ? {} : { leaseMs }),
    ...(maxHoldMs === undefined ? {} : { maxHoldMs }),
    ...(values['slave-action'] === undefined
      ? {}
      : { slaveAction: nonBlank(values['slave-action'], '--slave-action') }),
    ...(slaveParams === undefined ? {} : { slaveParams }),
    ...(appendRoute === undefined ? {} : { appendRoute }),
    ...(values.history === undefined ? {} : { historyFile: nonBlank(values.history, '--history') }),
    ...(values.plot === undefined ? {} : { plotFile: values.plot }),
  };
  if (
    command.leaseMs !== undefined &&
    command.timeoutMs !== undefined &&
    command.leaseMs >= command.timeoutMs
  ) {
    throw new UsageError(`--lease-ms (${command.leaseMs}) must be below --timeout-ms (${command.timeoutMs})`);
  }
  const leaseMsOrDefault = command.leaseMs ?? DEFAULT_LEASE_MS;
  if (command.maxHoldMs !== undefined && command.maxHoldMs < leaseMsOrDefault) {
    throw new UsageError(
      `--max-hold-ms (${command.maxHoldMs}) must be at least the lease (${leaseMsOrDefault} ms)`,
    );
  }
  return { kind: 'run', command };
}

function optionalParams(texts: readonly string[] | undefined): Record<string, unknown> | undefined {
  if (texts === undefined) return undefined;
  const params: Record<string, unknown> = {};
  for (const text of texts) {
    const param = parseParam(text);
    if (param === undefined) throw new UsageError(`--param expects KEY=VALUE, got ${JSON.stringify(text)}`);
    params[param.key] = param.value;
  }
  const problem = slaveParamsProblem(params);
  if (problem !== undefined) throw new UsageError(`--param: ${problem}`);
  return params;
}

/** `--max-concurrent`: a cap below N + 1 would refuse the round's own activations. */
function optionalMaxConcurrent(text: string | undefined, n: number): number | undefined {
  if (text === undefined) return undefined;
  const value = integerInRange(text, '--max-concurrent', 1, MAX_MAX_CONCURRENT);
  if (value < n + 1) {
    throw new UsageError(
      `--max-concurrent ${value} is below the ${n + 1} activations of this round (the leader and ${n} slaves); give at least ${n + 1}`,
    );
  }
  return value;
}

function optionalRoute(text: string | undefined): AppendRoute | undefined {
  if (text === undefined) return undefined;
  const route = APPEND_ROUTES.find((candidate) => candidate === text);
  if (route === undefined) {
    throw new UsageError(`--append-route must be ${APPEND_ROUTES.join(' or ')}, got ${JSON.stringify(text)}`);
  }
  return route;
}

function optionalInRange(text: string | undefined, name: string, range: Range): number | undefined {
  return text === undefined ? undefined : integerInRange(text, name, range.min, range.max);
}

function optionalInteger(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${name} must be an integer of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function checkAmqpUrl(url: string, origin: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new UsageError(`${origin} is not a URL (expected amqp://user:password@host:5672)`);
  }
  if (protocol !== 'amqp:' && protocol !== 'amqps:') {
    throw new UsageError(`${origin} must start with amqp:// or amqps://, got ${protocol}//`);
  }
}

function nonBlank(value: string, name: string): string {
  if (value.trim() === '') throw new UsageError(`${name} must not be empty`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function describeParseError(error: unknown, argv: readonly string[], maxN: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // parseArgs reads "-5" as an option; for the user it is a negative N.
  const negative = argv.find((arg) => /^-\d/.test(arg));
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && negative !== undefined) {
    return `N must be an integer from 1 to ${maxN}, got ${JSON.stringify(negative)}`;
  }
  return parseArgsMessage(error);
}
