// npm run serve -- [--port N] [--auth UUID:KEY] [--namespace NS] [--concurrency N]
// Runs the embedded OpenWhisk-compatible controller on loopback until SIGINT or SIGTERM.

import { parseArgs } from 'node:util';

import { LocalWhiskOptionError, startLocalWhisk, type LocalWhiskOptions } from '../src/localwhisk/index.js';

const USAGE = `Usage: npm run serve -- [options]

Runs an OpenWhisk-compatible controller on loopback (127.0.0.1) for Node.js actions.

Options:
  --port N            port to listen on (default 3233; 0 picks a free port)
  --auth UUID:KEY     credentials to accept (default: a random key, printed once)
  --namespace NS      namespace of the credentials (default guest)
  --concurrency N     activations per container for actions that do not set limits.concurrency (default 1)
  -h, --help          show this help`;

function fail(message: string): never {
  process.stderr.write(`serve: ${message}\n`);
  process.exit(2);
}

function integerArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function parse(argv: string[]): LocalWhiskOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        auth: { type: 'string' },
        namespace: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail(`${(error as Error).message.split('\n')[0] ?? 'bad arguments'} (see --help)`);
  }
  const { values } = parsed;
  if (values.help === true) return 'help';
  const options: LocalWhiskOptions = { port: integerArg('port', values.port) ?? 3233 };
  if (values.auth !== undefined) options.auth = values.auth;
  if (values.namespace !== undefined) options.namespace = values.namespace;
  const concurrency = integerArg('concurrency', values.concurrency);
  if (concurrency !== undefined) options.defaultConcurrency = concurrency;
  return options;
}

const options = parse(process.argv.slice(2));
if (options === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let whisk;
try {
  whisk = await startLocalWhisk(options);
} catch (error) {
  if (error instanceof LocalWhiskOptionError) fail(error.message);
  throw error;
}
const running = whisk;
// The key is the user's own local secret: printing it once here is how they learn a generated one.
process.stdout.write(
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

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping: closing containers…\n');
  running.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`serve: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
