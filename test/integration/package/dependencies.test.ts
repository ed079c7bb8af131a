// The lockfile is what every clone installs: `npm install` must leave it as committed, and no package
// in it may refuse a Node.js version that package.json's `engines` claims (npm's EBADENGINE).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'chai';
import semver from 'semver';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');

interface LockedPackage {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | string[];
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('dependencies and lockfile', function () {
  it('every locked package supports every Node.js version package.json claims', function () {
    const { engines } = readJson(join(ROOT, 'package.json')) as { engines: { node: string } };
    const lock = readJson(join(ROOT, 'package-lock.json')) as { packages: Record<string, LockedPackage> };
    const refusing = Object.entries(lock.packages).flatMap(([path, pkg]) => {
      const node = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
      return path === '' || node === undefined || semver.subset(engines.node, node)
        ? []
        : [`${path}@${pkg.version ?? '?'} wants node ${node}`];
    });
    expect(refusing, `package.json claims node ${engines.node}`).to.deep.equal([]);
  });

  it('npm install leaves package-lock.json as committed', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'whisk-sync-lock-'));
    try {
      for (const file of ['package.json', 'package-lock.json'])
        copyFileSync(join(ROOT, file), join(dir, file));
      await run(
        'npm',
        ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
        { cwd: dir, timeout: 60_000 },
      );
      expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).to.equal(
        readFileSync(join(ROOT, 'package-lock.json'), 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
