// whisk-sync as another project gets it: the packed tarball installed (dependencies from the npm cache)
// into a new ES module project and a new CommonJS project. The README's library examples run there
// exactly as written, type-checked with `strict` and `skipLibCheck: false`; `npx whisk-sync` runs the
// compiled command with the bundles and manifest from the package.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'chai';

import { ROOT } from '../../helpers/cli-child.js';
import { readmeCodeBlock } from '../../helpers/readme.js';
import { killGroup, launchServer, startContainer, waitUntilGone } from '../../helpers/serve-process.js';

const exec = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const ENTRY_POINTS = [
  'whisk-sync',
  'whisk-sync/action',
  'whisk-sync/deploy',
  'whisk-sync/localwhisk',
  'whisk-sync/history',
];

/** The consumer's environment: the test's broker, and no OpenWhisk configured (the embedded controller). */
function consumerEnv(dir: string): NodeJS.ProcessEnv {
  const { __OW_API_HOST: _host, __OW_API_KEY: _key, __OW_NAMESPACE: _namespace, ...env } = process.env;
  return { ...env, WSK_CONFIG_FILE: join(dir, 'no-wskprops') };
}

/** Runs a command to its end; resolves with its exit status and output whatever the status. */
async function run(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 120_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, {
      cwd,
      env: consumerEnv(cwd),
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? String(error),
    };
  }
}

/** A strict TypeScript configuration that checks the consumer's code and every declaration it uses. */
function strictTsconfig(files: string[], extra: Record<string, unknown>): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      ...extra,
    },
    files,
  });
}

async function newProject(dir: string, type: 'module' | 'commonjs', tarball: string): Promise<void> {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, private: true, type }));
  const install = await run(
    'npm',
    ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    dir,
    180_000,
  );
  expect(install.code, install.stderr).to.equal(0);
}

describe('the packed package in new ES module and CommonJS projects', function () {
  let work: string;
  let esm: string;
  let cjs: string;
  let files: string[];

  before(async function () {
    this.timeout(600_000);
    work = mkdtempSync(join(tmpdir(), 'whisk-sync-package-'));
    const build = await run('npm', ['run', 'build'], ROOT, 300_000);
    expect(build.code, build.stderr).to.equal(0);
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(pack.code, pack.stderr).to.equal(0);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    if (info === undefined) throw new Error(`npm pack said nothing: ${pack.stdout}`);
    files = info.files.map((file) => file.path);
    const tarball = join(work, info.filename);
    esm = join(work, 'esm');
    cjs = join(work, 'cjs');
    await Promise.all([newProject(esm, 'module', tarball), newProject(cjs, 'commonjs', tarball)]);
  });
  after(function () {
    rmSync(work, { recursive: true, force: true });
  });

  it('ships the license, the manifest, the bundles and both builds, and no sources', function () {
    expect(files).to.include.members([
      'LICENSE',
      'README.md',
      'manifest.yaml',
      'dist/leader.js',
      'dist/slave.js',
      'lib/esm/index.js',
      'lib/esm/index.d.ts',
      'lib/cjs/index.js',
      'lib/cjs/index.d.ts',
      'lib/esm/cli/bin.js',
    ]);
    expect(files.filter((file) => /^(src|test|scripts|actions)\//.test(file))).to.deep.equal([]);
  });

  it("ships source maps that carry their sources' text", function () {
    const installed = join(esm, 'node_modules', 'whisk-sync');
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps).not.to.have.length(0);
    const incomplete = maps.filter((file) => {
      const map = JSON.parse(readFileSync(join(installed, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      return map.sources.some((_, i) => typeof map.sourcesContent?.[i] !== 'string');
    });
    expect(incomplete).to.deep.equal([]);
  });

  it('loads every entry point with import and with require', async function () {
    const names = JSON.stringify(ENTRY_POINTS);
    const imported = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `for (const n of ${names}) console.log(n, Object.keys(await import(n)).length);`,
      ],
      esm,
    );
    const required = await run(
      process.execPath,
      ['-e', `for (const n of ${names}) console.log(n, Object.keys(require(n)).length);`],
      cjs,
    );
    for (const outcome of [imported, required]) {
      expect(outcome.code, outcome.stderr).to.equal(0);
      const counts = outcome.stdout.trim().split('\n');
      expect(counts).to.have.length(ENTRY_POINTS.length);
      for (const line of counts) expect(Number(line.split(' ')[1])).to.be.above(0);
    }
    expect(required.stdout).to.equal(imported.stdout);
  });

  it("runs the README's ES module example as written, type-checked strictly", async function () {
    writeFileSync(join(esm, 'example.ts'), readmeCodeBlock('Using the library', 'ts'));
    writeFileSync(join(esm, 'tsconfig.json'), strictTsconfig(['example.ts'], {}));
    const compiled = await run(process.execPath, [TSC, '-p', '.'], esm);
    expect(compiled.stdout + compiled.stderr).to.equal('');
    expect(compiled.code).to.equal(0);

    const example = await run(process.execPath, ['example.js'], esm);
    expect(example.code, example.stderr).to.equal(0);
    const lists = [...example.stdout.matchAll(/\[ (\d+, \d+, \d+) \]/g)].map((match) => match[1]);
    expect(lists, example.stdout).to.have.length(3);
    expect(new Set(lists).size, example.stdout).to.equal(1);
  });

  it("runs the README's CommonJS example as written, type-checked strictly", async function () {
    writeFileSync(join(cjs, 'example.js'), readmeCodeBlock('Using the library', 'js'));
    writeFileSync(
      join(cjs, 'tsconfig.json'),
      strictTsconfig(['example.js'], { allowJs: true, checkJs: true, noEmit: true }),
    );
    const checked = await run(process.execPath, [TSC, '-p', '.'], cjs);
    expect(checked.stdout + checked.stderr).to.equal('');
    expect(checked.code).to.equal(0);

    const example = await run(process.execPath, ['example.js'], cjs);
    expect(example.code, example.stderr).to.equal(0);
    expect(example.stdout).to.match(/^true \[ \d+, \d+, \d+ \]\n$/);
  });

  it('npx whisk-sync map 10 runs an agreeing round from the package alone', async function () {
    const map = await run('npx', ['whisk-sync', 'map', '10'], esm, 180_000);
    expect(map.code, map.stderr).to.equal(0);
    expect(map.stdout).to.contain('10 slaves, 10 returned, all returned lists agree');
    expect(map.stdout).to.match(/\nOK\n$/);
  });

  it('npx whisk-sync answers a usage error with one line and exit 2', async function () {
    const map = await run('npx', ['whisk-sync', 'map'], cjs);
    expect(map.code).to.equal(2);
    expect(map.stderr).to.equal(
      'map: missing N, the number of slaves (1..10000) — usage: npm run map -- N [options], N = 1..10000 (--help lists the options)\n',
    );
  });

  it('npx whisk-sync serve stops with every container on SIGTERM to npx alone', async function () {
    const server = await launchServer('npx', ['whisk-sync', 'serve', '--port', '0'], cjs);
    try {
      await startContainer(server);
      process.kill(server.pid, 'SIGTERM');
      await waitUntilGone(server);
    } finally {
      killGroup(server.pid);
    }
  });

  it('installs nothing but the package and its runtime dependencies', function () {
    const installed = readdirSync(join(cjs, 'node_modules'));
    expect(installed).to.include.members(['whisk-sync', 'amqplib', 'openwhisk', 'yaml']);
    expect(installed).not.to.include.members(['typescript']);
  });
});
