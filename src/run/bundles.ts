import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { RunError } from './errors.js';

/** The bundles `npm run build:actions` makes, relative to the project root. */
export const BUNDLES = ['dist/leader.js', 'dist/slave.js'];
/** Sources the bundles are made of, relative to the project root. */
export const BUNDLE_SOURCES = ['actions', 'src/action', 'src/protocol', 'src/broker'];
/** Default deadline of a build. */
export const BUILD_TIMEOUT_MS = 180_000;

/** Why the bundles must be built, or undefined when they are up to date. */
export function staleBundles(root: string): string | undefined {
  const missing = BUNDLES.filter((bundle) => !existsSync(join(root, bundle)));
  if (missing.length > 0) return `${missing.join(', ')} missing`;
  const oldest = Math.min(...BUNDLES.map((bundle) => statSync(join(root, bundle)).mtimeMs));
  for (const dir of BUNDLE_SOURCES) {
    const newer = newestFile(join(root, dir));
    if (newer !== undefined && newer.mtimeMs > oldest) return `${newer.path.slice(root.length + 1)} changed`;
  }
  return undefined;
}

/**
 * Builds the action bundles with webpack when they are missing or older than their sources.
 * Returns the reason it built, or undefined when nothing was to do. Throws {@link RunError}
 * `BUILD_FAILED` with webpack's first error line.
 */
export async function ensureBundles(root: string, timeoutMs = BUILD_TIMEOUT_MS): Promise<string | undefined> {
  const reason = staleBundles(root);
  if (reason === undefined) return undefined;
  await runWebpack(root, timeoutMs);
  return reason;
}

function newestFile(dir: string): { path: string; mtimeMs: number } | undefined {
  if (!existsSync(dir)) return undefined;
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(path);
    if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}

function runWebpack(root: string, timeoutMs: number): Promise<void> {
  const cli = join(root, 'node_modules', 'webpack-cli', 'bin', 'cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--config', 'webpack.config.js'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new RunError('BUILD_FAILED', `cannot start webpack: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve();
        return;
      }
      const firstError =
        output.split('\n').find((line) => /error/i.test(line)) ?? `exit ${String(code ?? signal)}`;
      const why = signal === null ? firstError.trim() : `no result within ${timeoutMs} ms`;
      reject(
        new RunError(
          'BUILD_FAILED',
          `building the action bundles failed: ${why} (npm run build:actions shows all)`,
        ),
      );
    });
  });
}
