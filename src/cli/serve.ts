// whisk-sync serve [--port N] [--auth UUID:KEY] [--namespace NS] [--concurrency N]
// Runs the embedded OpenWhisk-compatible controller on loopback until SIGINT or SIGTERM.

import { LocalWhiskOptionError, startLocalWhisk, type LocalWhiskOptions } from '../localwhisk/index.js';
import { MAX_ACTION_CONCURRENCY } from '../localwhisk/options.js';
import { UsageError } from '../run/errors.js';
import { integerInRange, parseArgsMessage, parseCommandLine } from '../run/option-values.js';
import { EXIT_OK, EXIT_USAGE, onAbort, reportFailure, type Command, type CommandIo } from './command.js';
import { formatHelp } from './help.js';

const DEFAULT_PORT = 3233;

const USAGE = formatHelp({
  name: 'serve',
  usage: '[options]',
  summary: 'Runs an OpenWhisk-compatible controller on loopback (127.0.0.1) for Node.js actions.',
  options: [
    {
      flags: '--port N',
      text: 'port to listen on; 0 picks a free port',
      default: String(DEFAULT_PORT),
      range: '0..65535',
    },
    { flags: '--auth UUID:KEY', text: 'credentials to accept', default: 'a random key, printed once' },
    { flags: '--namespace NS', text: 'namespace of the credentials', default: 'guest' },
    {
      flags: '--concurrency N',
      text: 'activations per container for actions that do not set limits.concurrency',
      default: '1',
      range: `1..${MAX_ACTION_CONCURRENCY}`,
    },
  ],
  exit: '0 stopped by SIGINT or SIGTERM (every container stopped), 1 failed, 2 usage error (nothing listens)',
});

/** Thrown for a bad option value; `(see --help)` is added to Node's parse messages only. */
function usage(message: string): never {
  throw new UsageError(message);
}

// Checked here rather than by the controller, so that the message names the flag, not the option field.
function integerArg(name: string, value: string | undefined, min: number, max: number): number | undefined {
  return value === undefined ? undefined : integerInRange(value, `--${name}`, min, max);
}

function parse(argv: readonly string[]): LocalWhiskOptions | 'help' {
  const parsed = parseCommandLine(
    argv,
    {
      port: { type: 'string' },
      auth: { type: 'string' },
      namespace: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    // Node's own wording goes on about "--" and positionals; its first sentence is the answer.
    (error) => `${parseArgsMessage(error).replace(/\. This command.*$/, '')} (see --help)`,
  );
  const { values } = parsed;
  if (values.help === true) return 'help';
  const options: LocalWhiskOptions = { port: integerArg('port', values.port, 0, 65535) ?? DEFAULT_PORT };
  if (values.auth !== undefined) options.auth = values.auth;
  if (values.namespace !== undefined) options.namespace = values.namespace;
  const concurrency = integerArg('concurrency', values.concurrency, 1, MAX_ACTION_CONCURRENCY);
  if (concurrency !== undefined) options.defaultConcurrency = concurrency;
  return options;
}

async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const options = parse(argv);
  if (options === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  let running;
  try {
    running = await startLocalWhisk(options);
  } catch (error) {
    if (error instanceof LocalWhiskOptionError) usage(error.message);
    throw error;
  }
  // The key is the user's own local secret: printing it once here is how they learn a generated one.
  io.stdout.write(
    [
      `OpenWhisk-compatible controller listening on ${running.apihost}`,
      `namespace: ${running.namespace}`,
      `auth:      ${running.auth}`,
      '',
      'Use it with the wsk CLI:',
      `  wsk property set --apihost ${running.apihost} --auth ${running.auth}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await onAbort(io.signal, undefined);
  io.stdout.write('stopping: closing containers…\n');
  await running.close();
  return EXIT_OK;
}

export const serve: Command = {
  name: 'serve',
  summary: 'run the embedded OpenWhisk-compatible controller as a server',
  interruptible: true,
  run: (argv, _env, io) =>
    main(argv, io).catch((error: unknown) => {
      // A bad option or a port in use: nothing listens, and the secret half of --auth is never shown.
      if (error instanceof UsageError) {
        io.stderr.write(`serve: ${error.message}\n`);
        return EXIT_USAGE;
      }
      return reportFailure('serve', error, io);
    }),
};
