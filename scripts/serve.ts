// npm run serve -- [--port N] [--auth UUID:KEY] [--namespace NS] [--concurrency N]
// Runs the embedded OpenWhisk-compatible controller on loopback until SIGINT or SIGTERM.

import { parseArgs } from 'node:util';

import { LocalWhiskOptionError, startLocalWhisk, type LocalWhiskOptions } from '../src/localwhisk/index.js';
import { MAX_ACTION_CONCURRENCY } from '../src/localwhisk/options.js';
import { attachNegativeValues, integerInRange } from '../src/run/option-values.js';

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

// Checked here rather than by the controller, so that the message names the flag, not the option field.
function integerArg(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  try {
    return integerInRange(value, `--${name}`, min, max);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

function parse(argv: string[]): LocalWhiskOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: attachNegativeValues(argv, ['port', 'auth', 'namespace', 'concurrency']),
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
    // Node's own wording goes on about "--" and positionals; its first sentence is the answer.
    const first = (error as Error).message.split('\n')[0] ?? 'bad arguments';
    fail(`${first.replace(/\. (To specify|This command).*$/, '')} (see --help)`);
  }
  const { values } = parsed;
  if (values.help === true) return 'help';
  const options: LocalWhiskOptions = { port: integerArg('port', values.port, 0, 65535) ?? 3233 };
  if (values.auth !== undefined) options.auth = values.auth;
  if (values.namespace !== undefined) options.namespace = values.namespace;
  const concurrency = integerArg('concurrency', values.concurrency, 1, MAX_ACTION_CONCURRENCY);
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
