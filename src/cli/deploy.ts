// `whisk-sync deploy`: deploys a manifest (default: the one shipped with whisk-sync) to the configured
// OpenWhisk through the SDK, like wskdeploy.
import openwhisk from 'openwhisk';

import { bundledManifestPath } from '../deploy/bundled.js';
import { deployManifest } from '../deploy/deploy.js';
import {
  DEFAULT_DEPLOY_MANIFEST,
  DEPLOY_HELP,
  DEPLOY_USAGE_LINE,
  parseDeployArgs,
} from '../deploy/deploy-args.js';
import { loadManifest } from '../deploy/manifest.js';
import { ConfigError } from '../executor/errors.js';
import {
  COMMAND_LINE_OPTIONS,
  describeConfig,
  processEnvironment,
  resolveConfig,
} from '../executor/config.js';
import { reportFailure, type Command, type CommandEnv, type CommandIo } from './command.js';

async function main(
  argv: readonly string[],
  env: CommandEnv,
  io: CommandIo,
  secrets: string[],
): Promise<number> {
  const invocation = parseDeployArgs(argv);
  if (invocation.kind === 'help') {
    io.stdout.write(`${DEPLOY_HELP}\n`);
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
    { ...processEnvironment(), env },
  );
  if (config.kind !== 'remote') throw new ConfigError('no OpenWhisk configured');
  secrets.push(config.auth.reveal());
  const manifestPath =
    command.manifest === DEFAULT_DEPLOY_MANIFEST ? bundledManifestPath() : command.manifest;
  const manifest = loadManifest(manifestPath);
  for (const warning of manifest.warnings) io.stderr.write(`warning: ${warning}\n`);

  io.stdout.write(`deploying ${manifestPath} to ${describeConfig(config, COMMAND_LINE_OPTIONS)}\n`);
  const client = openwhisk({
    apihost: config.apihost,
    api_key: config.auth.reveal(),
    namespace: config.namespace,
  });
  const report = await deployManifest(client, manifest, { apihost: config.apihost });
  for (const pkg of report.packages) io.stdout.write(`  package ${pkg.name}: ${pkg.outcome}\n`);
  for (const action of report.actions) {
    const limits = Object.entries(action.limits)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    io.stdout.write(
      `  action ${action.name} (${action.kind}, ${action.bytes} bytes${limits === '' ? '' : `, ${limits}`}): ${action.outcome}\n`,
    );
  }
  return 0;
}

export const deploy: Command = {
  name: 'deploy',
  summary: 'deploy the leader and slave actions (or another manifest) to an OpenWhisk',
  interruptible: false,
  run: (argv, env, io) => {
    // Every credential met on the way, so that no error line can show it.
    const secrets: string[] = [];
    return main(argv, env, io, secrets).catch((error: unknown) =>
      reportFailure('deploy', error, io, {
        secrets,
        usageLine: DEPLOY_USAGE_LINE,
        debug: argv.includes('--debug'),
      }),
    );
  },
};
