/**
 * The examples of `examples/` bundled with their own webpack configuration (from the package's built
 * `lib/`, through its `exports` map, as a user's project bundles them), deployed with
 * `examples/manifest.yaml` on an embedded controller.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import webpack, { type Configuration } from 'webpack';

import { loadManifest, type Manifest } from '../../src/deploy/manifest.js';
import type { ContainerInfo } from '../../src/localwhisk/index.js';
import { ROOT } from './cli-child.js';
import { AMQP_URL } from './round.js';
import { buildBundles, startDeployedLab, type DeployedLab } from './whisk-faults.js';

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
export type ExamplesLab = DeployedLab;

/**
 * Starts the embedded controller and deploys examples/manifest.yaml, with the fixture
 * `examples/faulty` next to `examples/counter`, as {@link startDeployedLab} does.
 *
 * @param concurrency - activations per container (1: a container is one party, for fault tests)
 * @param onContainerAssigned - the controller's hook, e.g. to note pids
 */
export async function startExamplesLab(
  concurrency: number,
  onContainerAssigned?: (container: ContainerInfo) => void,
): Promise<ExamplesLab> {
  const manifest = loadManifest(join(EXAMPLES, 'manifest.yaml'));
  const examples = manifest.packages.find((pkg) => pkg.name === 'examples');
  const faulty = examples?.actions.find((action) => action.name === 'counter');
  if (examples === undefined || faulty === undefined)
    throw new Error('examples/manifest.yaml lacks examples/counter');
  const withFaulty: Manifest = {
    ...manifest,
    packages: manifest.packages.map((pkg) =>
      pkg !== examples
        ? pkg
        : {
            ...pkg,
            actions: [
              ...pkg.actions,
              {
                ...faulty,
                name: 'faulty',
                qualifiedName: 'examples/faulty',
                functionPath: join(EXAMPLES, 'dist', 'fixtures', 'faulty.js'),
              },
            ],
          },
    ),
  };
  return startDeployedLab({
    manifest: withFaulty,
    concurrency,
    ...(onContainerAssigned === undefined ? {} : { onContainerAssigned }),
  });
}

export { AMQP_URL };
