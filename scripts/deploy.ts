// `npm run deploy`: deploys manifest.yaml to the configured OpenWhisk through the SDK, like wskdeploy.
import openwhisk from 'openwhisk';

import { deployManifest } from '../src/deploy/deploy.js';
import { DEPLOY_HELP, DEPLOY_USAGE_LINE, parseDeployArgs } from '../src/deploy/deploy-args.js';
import { loadManifest } from '../src/deploy/manifest.js';
import { ConfigError } from '../src/executor/errors.js';
import {
  COMMAND_LINE_OPTIONS,
  describeConfig,
  processEnvironment,
  resolveConfig,
} from '../src/executor/config.js';
import { describeCliFailure } from '../src/run/cli-failure.js';
import { UsageError } from '../src/run/errors.js';

// Every credential met on the way, so that no error line can show it.
const secrets: string[] = [];

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseDeployArgs(argv);
  if (invocation.kind === 'help') {
    process.stdout.write(`${DEPLOY_HELP}\n`);
    return 0;
  }
  const { command } = invocation;
  if (command.auth !== undefined) secrets.push(command.auth);
  const config = resolveConfig(
    {
      target: 'remote',
      optionNames: COMMAND_LINE_OPTIONS,
      ...(command.apihost === undefined ? {} : { apihost: command.apihost }),
      ...(command.auth === undefined ? {} : { apiKey: command.auth }),
    },
    processEnvironment(),
  );
  if (config.kind !== 'remote') throw new ConfigError('no OpenWhisk configured');
  secrets.push(config.auth.reveal());
  const manifest = loadManifest(command.manifest);
  for (const warning of manifest.warnings) process.stderr.write(`warning: ${warning}\n`);

  process.stdout.write(`deploying ${command.manifest} to ${describeConfig(config, COMMAND_LINE_OPTIONS)}\n`);
  const client = openwhisk({
    apihost: config.apihost,
    api_key: config.auth.reveal(),
    namespace: config.namespace,
  });
  const report = await deployManifest(client, manifest, { apihost: config.apihost });
  for (const pkg of report.packages) process.stdout.write(`  package ${pkg.name}: ${pkg.outcome}\n`);
  for (const action of report.actions) {
    const limits = Object.entries(action.limits)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    process.stdout.write(
      `  action ${action.name} (${action.kind}, ${action.bytes} bytes${limits === '' ? '' : `, ${limits}`}): ${action.outcome}\n`,
    );
  }
  return 0;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const failure = describeCliFailure(error, secrets);
    const usage = error instanceof UsageError ? ` — ${DEPLOY_USAGE_LINE}` : '';
    process.stderr.write(`deploy: ${failure.line}${usage}\n`);
    if (argv.includes('--debug') && error instanceof Error && error.stack !== undefined) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = failure.exitCode;
  },
);
