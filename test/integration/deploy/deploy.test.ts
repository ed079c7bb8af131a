import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'chai';
import openwhisk from 'openwhisk';

import { deployManifest } from '../../../src/deploy/deploy.js';
import { DeployError } from '../../../src/deploy/errors.js';
import { loadManifest } from '../../../src/deploy/manifest.js';
import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';

const run = promisify(execFile);

const MANIFEST = `
packages:
  \${PKG}:
    inputs:
      greeting: hello
    actions:
      echo:
        function: code/echo.js
        runtime: nodejs:20
        main: entry
        inputs:
          target: $TARGET
          retries: 3
        annotations:
          description: echoes its parameters
        limits:
          timeout: 5000
          memorySize: 128
          logSize: 1
`;

// Plain Node.js action code, evaluated by the runtime; `entry` is its main function.
const ECHO = `function entry(params) { return { got: params }; }\n`;

describe('deploying a manifest to the embedded controller', function () {
  let whisk: LocalWhisk;
  let dir: string;
  let client: openwhisk.Client;
  const pkg = `deploy-test-${process.pid}`;

  before(async () => {
    whisk = await startLocalWhisk({ prewarmContainers: 0 });
    client = openwhisk({ apihost: whisk.apihost, api_key: whisk.auth });
    dir = mkdtempSync(join(tmpdir(), 'whisk-deploy-'));
    writeFileSync(join(dir, 'manifest.yaml'), MANIFEST);
  });

  after(async () => {
    await whisk.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a manifest whose code file is missing, and deploys nothing', async () => {
    const manifest = loadManifest(join(dir, 'manifest.yaml'), { env: { PKG: pkg, TARGET: 'world' } });
    try {
      await deployManifest(client, manifest);
      expect.fail('expected a DeployError');
    } catch (error) {
      expect(error).to.be.instanceOf(DeployError);
      expect((error as DeployError).code).to.equal('BUNDLE_MISSING');
      expect((error as DeployError).message)
        .to.contain('code/echo.js')
        .and.contain('npm run build');
    }
    const packages = await client.packages.list();
    expect(packages.map((p) => p.name)).not.to.include(pkg);
  });

  it('creates the package and action with inputs, annotations, main and limits, and they run', async () => {
    mkdirSync(join(dir, 'code'), { recursive: true });
    writeFileSync(join(dir, 'code', 'echo.js'), ECHO);
    const manifest = loadManifest(join(dir, 'manifest.yaml'), { env: { PKG: pkg, TARGET: 'world' } });

    const report = await deployManifest(client, manifest, { extraLimits: { concurrency: 4 } });
    expect(report.packages).to.deep.equal([{ name: pkg, outcome: 'created' }]);
    expect(report.actions).to.have.length(1);
    expect(report.actions[0]).to.include({ name: `${pkg}/echo`, kind: 'nodejs:20', outcome: 'created' });
    expect(report.actions[0]?.bytes).to.equal(Buffer.byteLength(ECHO));

    const action = await client.actions.get({ name: `${pkg}/echo` });
    expect(action.exec).to.include({ kind: 'nodejs:20', main: 'entry' });
    expect(action.limits).to.deep.include({ timeout: 5000, memory: 128, logs: 1, concurrency: 4 });
    expect(action.parameters).to.deep.include({ key: 'target', value: 'world' });
    expect(action.annotations).to.deep.include({ key: 'description', value: 'echoes its parameters' });

    const result = (await client.actions.invoke({
      name: `${pkg}/echo`,
      blocking: true,
      result: true,
      params: { extra: 1 },
    })) as { got: Record<string, unknown> };
    // Package inputs and action inputs are both bound, as on OpenWhisk.
    expect(result.got).to.deep.equal({ greeting: 'hello', target: 'world', retries: 3, extra: 1 });
  });

  it('updates what exists on a second deployment', async () => {
    const manifest = loadManifest(join(dir, 'manifest.yaml'), { env: { PKG: pkg, TARGET: 'moon' } });
    const report = await deployManifest(client, manifest);
    expect(report.packages[0]?.outcome).to.equal('updated');
    expect(report.actions[0]?.outcome).to.equal('updated');
    const action = await client.actions.get({ name: `${pkg}/echo` });
    expect(action.parameters).to.deep.include({ key: 'target', value: 'moon' });
  });

  it('reports a refused deployment as DEPLOY_FAILED without the key', async () => {
    const bad = openwhisk({ apihost: whisk.apihost, api_key: 'nobody:wrongwrongwrongwrong' });
    const manifest = loadManifest(join(dir, 'manifest.yaml'), { env: { PKG: pkg, TARGET: 'x' } });
    try {
      await deployManifest(bad, manifest);
      expect.fail('expected a DeployError');
    } catch (error) {
      expect((error as DeployError).code).to.equal('DEPLOY_FAILED');
      expect((error as DeployError).message)
        .to.contain(pkg)
        .and.not.contain('wrongwrong');
    }
  });

  it('whisk-sync deploy prints what it created or updated, and never the key', async () => {
    const { stdout, stderr } = await run(
      'npx',
      [
        'tsx',
        'src/cli/bin.ts',
        'deploy',
        '--manifest',
        join(dir, 'manifest.yaml'),
        '--apihost',
        whisk.apihost,
        '--auth',
        whisk.auth,
      ],
      { env: { ...process.env, PKG: pkg, TARGET: 'cli' } },
    );
    expect(stdout).to.contain(`package ${pkg}: updated`).and.contain(`action ${pkg}/echo`);
    const [, key] = whisk.auth.split(':');
    expect(stdout + stderr).not.to.contain(key);
    const action = await client.actions.get({ name: `${pkg}/echo` });
    expect(action.parameters).to.deep.include({ key: 'target', value: 'cli' });
  });

  it('whisk-sync deploy exits 1 with one line for a missing manifest', async () => {
    try {
      await run('npx', [
        'tsx',
        'src/cli/bin.ts',
        'deploy',
        '--manifest',
        join(dir, 'nope.yaml'),
        '--apihost',
        whisk.apihost,
        '--auth',
        whisk.auth,
      ]);
      expect.fail('expected exit status 1');
    } catch (error) {
      const { code, stderr } = error as { code: number; stderr: string };
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain('manifest not found').and.not.contain('    at ');
    }
  });
});
