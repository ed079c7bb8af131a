// `npm run build:lib`: the library as ES modules (lib/esm, also the `whisk-sync` command) and as
// CommonJS (lib/cjs, the public entry points and what they import), each with its declarations.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Plain JavaScript files the compiler does not copy, relative to src/. */
const PLAIN_FILES = ['localwhisk/container/runner.mjs'];

rmSync(join(ROOT, 'lib'), { recursive: true, force: true });
for (const [project, out] of [
  ['tsconfig.build.json', 'lib/esm'],
  ['tsconfig.cjs.json', 'lib/cjs'],
] as const) {
  execFileSync(process.execPath, [TSC, '-p', project], { cwd: ROOT, stdio: 'inherit' });
  for (const file of PLAIN_FILES) cpSync(join(ROOT, 'src', file), join(ROOT, out, file));
}
// The package is "type": "module"; this marks the files below lib/cjs as CommonJS.
writeFileSync(join(ROOT, 'lib', 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
