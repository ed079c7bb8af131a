/**
 * The examples of `examples/` bundled with their own webpack configuration (from the package's built
 * `lib/`, through its `exports` map, as a user's project bundles them), deployed with
 * `examples/manifest.yaml` on an embedded controller.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import openwhisk from 'openwhisk';
import webpack, { type Configuration } from 'webpack';

import { deployManifest } from '../../src/deploy/deploy.js';
import { loadManifest, type Manifest } from '../../src/deploy/manifest.js';
import { FunctionExecutor } from '../../src/executor/executor.js';
import { startLocalWhisk, type ContainerInfo, type LocalWhisk } from '../../src/localwhisk/index.js';
import { ROOT } from './cli-child.js';
import { AMQP_URL } from './round.js';
import { buildBundles, FAULT_EXPIRES_MS, FAULT_HEARTBEAT_MS } from './whisk-faults.js';

const run = promisify(execFile);
const EXAMPLES = join(ROOT, 'examples');

type ActionBundles = (options: { entry: Record<string, string>; outputPath: string }) => Configuration;

/** Runs webpack with `config`; rejects with its errors. */
function compile(config: Configuration): Promise<void> {
  return new Promise((resolve, reject) => {
    webpack(config, (error, stats) => {
      if (error) reject(error);
      else if (stats?.hasErrors() === true) reject(new Error(stats.toString('errors-only')));
      else resolve();
    });
  });
}

/**
 * Builds what the examples need: the project's bundles (the leader), the package's `lib/` (what
 * `whisk-sync/action` resolves to), the examples into examples/dist, and the test's own joinRound
 * fixtures with the same configuration.
 */
export async function buildExamples(): Promise<void> {
  await buildBundles();
  await run(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
    },
  );
  const module = (await import(pathToFileURL(join(EXAMPLES, 'webpack.config.js')).href)) as {
    default: Configuration;
    actionBundles: ActionBundles;
  };
  await compile(module.default);
  await compile(
    module.actionBundles({
      entry: { faulty: join(ROOT, 'test', 'fixtures', 'join-round', 'faulty.js') },
      outputPath: join(EXAMPLES, 'dist', 'fixtures'),
    }),
  );
}

/** An embedded controller holding the examples (and the fixture `examples/faulty`). */
export interface ExamplesLab {
  readonly whisk: LocalWhisk;
  executor(): FunctionExecutor;
  close(): Promise<void>;
}

/**
 * Starts the embedded controller and deploys examples/manifest.yaml with the fault runs' queue expiry
 * and heartbeat bound as package parameters.
 *
 * @param concurrency - activations per container (1: a container is one party, for fault tests)
 * @param onContainerAssigned - the controller's hook, e.g. to note pids
 */
export async function startExamplesLab(
  concurrency: number,
  onContainerAssigned?: (container: ContainerInfo) => void,
): Promise<ExamplesLab> {
  const whisk = await startLocalWhisk({
    concurrencyOverride: concurrency,
    prewarmContainers: 0,
    ...(onContainerAssigned === undefined ? {} : { onContainerAssigned }),
  });
  const client = openwhisk({ apihost: whisk.apihost, api_key: whisk.auth });
  const manifest = loadManifest(join(EXAMPLES, 'manifest.yaml'));
  const examples = manifest.packages.find((pkg) => pkg.name === 'examples');
  const faulty = examples?.actions.find((action) => action.name === 'counter');
  if (examples === undefined || faulty === undefined)
    throw new Error('examples/manifest.yaml lacks examples/counter');
  const withDefaults: Manifest = {
    ...manifest,
    packages: manifest.packages.map((pkg) => ({
      ...pkg,
      inputs: { ...pkg.inputs, expiresMs: FAULT_EXPIRES_MS, heartbeatMs: FAULT_HEARTBEAT_MS },
      actions:
        pkg !== examples
          ? pkg.actions
          : [
              ...pkg.actions,
              {
                ...faulty,
                name: 'faulty',
                qualifiedName: 'examples/faulty',
                functionPath: join(EXAMPLES, 'dist', 'fixtures', 'faulty.js'),
              },
            ],
    })),
  };
  await deployManifest(client, withDefaults, { extraLimits: { concurrency } });
  const executors: FunctionExecutor[] = [];
  return {
    whisk,
    executor: () => {
      const executor = new FunctionExecutor({
        target: 'local',
        localWhisk: whisk,
        poll: { initialMs: 20, maxMs: 200 },
      });
      executors.push(executor);
      return executor;
    },
    close: async () => {
      await Promise.all(executors.map((e) => e.close().catch(() => undefined)));
      await whisk.close();
    },
  };
}

export { AMQP_URL };
