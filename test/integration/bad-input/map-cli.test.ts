/**
 * Bad command lines of `npm run map`, each answered with one line on stderr, the exit code and no
 * stack trace or password. map.test.ts covers the rest of the table: missing N, N = abc, 2.5, 0, -3,
 * 100000, an unknown option, --retries many, an unreachable broker and a refused password.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { expectCliError, runCli } from '../../helpers/cli-child.js';

const USAGE = ' — usage: npm run map -- N [options], N = 1..10000 (--help lists the options)';
const PASSWORD = 'pa55-word-never-shown';
const dir = mkdtempSync(join(tmpdir(), 'whisk-map-bad-'));

/** [what, args, the whole stderr line without the usage suffix, exit code, extra environment] */
const CASES: [string, string[], string, number, Record<string, string>?][] = [
  ['N = -1', ['-1'], 'N must be an integer from 1 to 10000, got "-1"', 2],
  ['N = 1.5', ['1.5'], 'N must be an integer from 1 to 10000, got "1.5"', 2],
  ['N = 10001', ['10001'], 'N must be an integer from 1 to 10000, got "10001"', 2],
  ['two Ns', ['3', '4'], 'expected one N, got 2 arguments: 3 4', 2],
  ['an unknown flag', ['3', '--colour'], "Unknown option '--colour'", 2],
  ['an option without its value', ['3', '--timeout-ms'], "Option '--timeout-ms <value>' argument missing", 2],
  [
    '--amqp-url not a URL',
    ['3', '--amqp-url', 'localhost'],
    '--amqp-url is not a URL (expected amqp://user:password@host:5672)',
    2,
  ],
  [
    '--amqp-url http://',
    ['3', '--amqp-url', `http://guest:${PASSWORD}@localhost`],
    '--amqp-url must start with amqp:// or amqps://, got http://',
    2,
  ],
  [
    'AMQP_URL without a scheme',
    ['3'],
    'AMQP_URL must start with amqp:// or amqps://, got guest://',
    2,
    { AMQP_URL: `guest:${PASSWORD}@localhost` },
  ],
  [
    '--timeout-ms 0',
    ['3', '--timeout-ms', '0'],
    '--timeout-ms must be an integer from 100 to 3600000, got "0"',
    2,
  ],
  [
    '--timeout-ms 5s',
    ['3', '--timeout-ms', '5s'],
    '--timeout-ms must be an integer from 100 to 3600000, got "5s"',
    2,
  ],
  [
    '--lease-ms -5',
    ['3', '--lease-ms', '-5'],
    '--lease-ms must be an integer from 10 to 3600000, got "-5"',
    2,
  ],
  ['--lease-ms 9', ['3', '--lease-ms', '9'], '--lease-ms must be an integer from 10 to 3600000, got "9"', 2],
  [
    '--lease-ms not below --timeout-ms',
    ['3', '--lease-ms', '5000', '--timeout-ms', '5000'],
    '--lease-ms (5000) must be below --timeout-ms (5000)',
    2,
  ],
  ['--retries -1', ['3', '--retries', '-1'], '--retries must be an integer of at least 0, got "-1"', 2],
  ['--retries 1.5', ['3', '--retries', '1.5'], '--retries must be an integer of at least 0, got "1.5"', 2],
  [
    '--local-concurrency 0',
    ['3', '--local-concurrency', '0'],
    '--local-concurrency must be an integer of at least 1, got "0"',
    2,
  ],
  [
    '--local-concurrency 501',
    ['3', '--local-concurrency', '501'],
    '--local-concurrency must be at most 500, got 501',
    2,
  ],
  [
    '--max-concurrent below N + 1',
    ['3', '--max-concurrent', '3'],
    '--max-concurrent 3 is below the 4 activations of this round (the leader and 3 slaves); give at least 4',
    2,
  ],
  [
    '--append-route stream',
    ['3', '--append-route', 'stream'],
    '--append-route must be fanout or leader, got "stream"',
    2,
  ],
  [
    '--history into a missing directory',
    ['3', '--history', join(dir, 'missing', 'h.jsonl')],
    `--history: directory ${join(dir, 'missing')} does not exist`,
    2,
  ],
  ['--history naming a directory', ['3', '--history', dir], `--history: ${dir} is a directory`, 2],
  [
    '--plot not .svg',
    ['3', '--plot', 'run.png'],
    '--plot expects a file name ending in .svg, got "run.png"',
    2,
  ],
  ['--auth empty', ['3', '--auth', ' '], '--auth must not be empty', 2],
];

describe('npm run map: bad command lines', function () {
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [what, args, line, exitCode, env] of CASES) {
    it(`${what}: exit ${exitCode}, "${line}"`, async () => {
      const outcome = await runCli('map', args, { ...(env === undefined ? {} : { env }) });
      expectCliError(outcome, { line: `map: ${line}${USAGE}`, exitCode, secrets: [PASSWORD] });
      expect(outcome.stdout).to.equal('');
    });
  }
});

/** Manifests with a typo: map stops before deploying anything and names the typo. */
const MANIFEST_CASES: [string, string, (file: string) => string][] = [
  [
    '`action:` for `actions:`',
    'packages:\n  whisk-sync:\n    action:\n      leader:\n        function: dist/leader.js\n',
    (file) => `${file}: unknown key 'action' in packages.whisk-sync (did you mean 'actions'?)`,
  ],
  [
    '`slaves:` for `slave:`',
    'packages:\n  whisk-sync:\n    actions:\n      leader:\n        function: dist/leader.js\n' +
      '      slaves:\n        function: dist/slave.js\n',
    (file) =>
      `${file}: a round needs an action named 'slave'; the manifest declares whisk-sync/leader, ` +
      "whisk-sync/slaves (did you mean 'slaves'?)",
  ],
];

describe('npm run map: manifests with a typo', function () {
  const manifests = mkdtempSync(join(tmpdir(), 'whisk-map-manifest-'));
  after(() => {
    rmSync(manifests, { recursive: true, force: true });
  });

  MANIFEST_CASES.forEach(([what, text, line], i) => {
    it(`${what}: exit 1, one line, nothing deployed`, async () => {
      const file = join(manifests, `manifest-${i}.yaml`);
      writeFileSync(file, text);
      const outcome = await runCli('map', ['2', '--local', '--manifest', file]);
      // The lines before the error say what was prepared; none may claim a deployment.
      expect(outcome.stderr).not.to.match(/deployed/);
      expect(outcome.code, outcome.stderr).to.equal(1);
      const lines = outcome.stderr.trimEnd().split('\n');
      expect(lines.at(-1)).to.equal(`map: ${line(file)}`);
      expect(outcome.stdout).to.equal('');
    });
  });
});
