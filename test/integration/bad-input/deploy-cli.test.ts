/**
 * Bad command lines and manifests of `npm run deploy`: one line on stderr, exit 2 for a usage error
 * and 1 for anything else, no stack trace, the API key never shown. Each case fails before anything
 * is deployed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { expect } from 'chai';

import { ROOT, expectCliError, runCli } from '../../helpers/cli-child.js';

const USAGE = ' — usage: npm run deploy -- [--manifest FILE] [--apihost HOST] [--auth KEY] [--help]';
const AUTH = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:deploy-key-never-shown';
// Port 1 on loopback: nothing listens, so a case that got as far as the network would fail fast.
const TARGET = ['--apihost', 'http://127.0.0.1:1', '--auth', AUTH];
const dir = mkdtempSync(join(tmpdir(), 'whisk-deploy-bad-'));
let httpPort = 0;
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const missingBundle = `packages:
  p:
    actions:
      a:
        function: dist/missing.js
        runtime: nodejs:20
`;
// No OpenWhisk configured anywhere: no __OW_* variables, no ~/.wskprops.
const UNCONFIGURED = {
  __OW_API_HOST: undefined,
  __OW_API_KEY: undefined,
  __OW_NAMESPACE: undefined,
  WSK_CONFIG_FILE: join(dir, 'no-wskprops'),
};

/** [what, args, the whole stderr line (or a stable part), exit code, environment] */
const CASES: [string, () => string[], (d: string) => string | RegExp, number, typeof UNCONFIGURED?][] = [
  [
    'a missing manifest',
    () => ['--manifest', join(dir, 'none.yaml'), ...TARGET],
    (d) => `deploy: manifest not found: ${join(d, 'none.yaml')}`,
    1,
  ],
  [
    'invalid YAML',
    () => ['--manifest', file('bad.yaml', 'packages: [\n  bad'), ...TARGET],
    (d) => new RegExp(`^deploy: ${join(d, 'bad.yaml')}: invalid YAML: .* at line 2, column \\d+$`),
    1,
  ],
  [
    'a manifest naming a missing bundle',
    () => ['--manifest', file('nobundle.yaml', missingBundle), ...TARGET],
    (d) =>
      `deploy: code of action p/a not found at ${relative(ROOT, join(d, 'dist', 'missing.js'))}: run npm run build`,
    1,
  ],
  [
    'an apihost without a key',
    () => ['--apihost', 'http://127.0.0.1:1'],
    (d) =>
      'deploy: OpenWhisk API key missing: the API host came from --apihost, but no key was given: ' +
      `set __OW_API_KEY, put AUTH in ${join(d, 'no-wskprops')}, or pass --auth`,
    1,
    UNCONFIGURED,
  ],
  [
    'no OpenWhisk configured',
    () => [],
    (d) =>
      'deploy: no OpenWhisk configured: set __OW_API_HOST and __OW_API_KEY, put APIHOST and AUTH in ' +
      `${join(d, 'no-wskprops')}, or pass --apihost and --auth`,
    1,
    UNCONFIGURED,
  ],
  [
    'an unreachable apihost',
    () => TARGET,
    () =>
      'deploy: looking up package whisk-sync failed: nothing is listening at http://127.0.0.1:1 ' +
      '(ECONNREFUSED): start the OpenWhisk server, or set the right address in --apihost, ' +
      '__OW_API_HOST or APIHOST in ~/.wskprops',
    1,
  ],
  [
    'an API host without a scheme that speaks plain HTTP',
    () => ['--apihost', `127.0.0.1:${httpPort}`, '--auth', AUTH],
    () =>
      `deploy: looking up package whisk-sync failed: https://127.0.0.1:${httpPort} answered without TLS ` +
      '(https:// is assumed when the host has no scheme): for a server that speaks plain HTTP, write ' +
      `http://127.0.0.1:${httpPort}`,
    1,
  ],
  ['an unknown flag', () => ['--colour'], () => `deploy: Unknown option '--colour'${USAGE}`, 2],
  ['an empty --manifest', () => ['--manifest', ''], () => `deploy: --manifest must not be empty${USAGE}`, 2],
  [
    'a positional argument',
    () => ['manifest.yaml'],
    () =>
      `deploy: Unexpected argument 'manifest.yaml'. This command does not take positional arguments${USAGE}`,
    2,
  ],
];

describe('npm run deploy: bad command lines and manifests', function () {
  // A plain-HTTP server, as a local OpenWhisk is: reached over TLS it answers gibberish.
  const httpServer = createServer((_request, response) => response.end('{}'));
  before(async () => {
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    httpPort = (httpServer.address() as AddressInfo).port;
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => httpServer.close(resolve));
  });

  for (const [what, makeArgs, line, exitCode, env] of CASES) {
    it(`${what}: exit ${exitCode}, one line`, async () => {
      const outcome = await runCli('deploy', makeArgs(), { ...(env === undefined ? {} : { env }) });
      expectCliError(outcome, { line: line(dir), exitCode, secrets: [AUTH, 'deploy-key-never-shown'] });
      // Nothing was deployed: at most the line naming the target.
      expect(outcome.stdout).not.to.match(/^\s+(package|action) /m);
    });
  }
});
