/**
 * Node.js action kinds of Apache OpenWhisk (its runtimes.json) that can run the bundles in dist/.
 * `nodejs:default` is what the controller maps to its default Node.js version.
 */
export const NODEJS_RUNTIMES: readonly string[] = [
  'nodejs:default',
  'nodejs:14',
  'nodejs:16',
  'nodejs:18',
  'nodejs:20',
  'nodejs:22',
];

/** The runtime wskdeploy infers from a function file's extension when `runtime` is not given. */
export function runtimeForFile(path: string): string | undefined {
  return /\.(?:c|m)?js$/.test(path) ? 'nodejs:default' : undefined;
}
