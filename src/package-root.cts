// CommonJS on purpose: `__dirname` is defined in both builds of the package (the ES module build
// imports this file as CommonJS), while `import.meta.url` cannot be compiled into the CommonJS build.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The directory of the package's modules: `src/` in a clone, `lib/esm/` or `lib/cjs/` when built. */
export const MODULES_DIR: string = __dirname;

let root: string | undefined;

/**
 * The whisk-sync package's own directory (the clone, or `node_modules/whisk-sync`), which holds
 * `manifest.yaml` and the action bundles in `dist/`: the nearest directory above {@link MODULES_DIR}
 * whose package.json names whisk-sync.
 */
export function packageRoot(): string {
  root ??= findPackageRoot(MODULES_DIR);
  return root;
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (packageName(join(dir, 'package.json')) === 'whisk-sync') return dir;
    if (dirname(dir) === dir) throw new Error(`no whisk-sync package.json above ${start}`);
  }
}

function packageName(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}
