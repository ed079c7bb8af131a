/**
 * Bad command lines of `npm run serve`: exit 2 and one line naming the flag, before anything
 * listens. There is no flag to listen beyond loopback: `--host` is an unknown option.
 */
import { expect } from 'chai';

import { expectCliError, runCli } from '../../helpers/cli-child.js';

const KEY = 'serve-key-never-shown';

/** [what, args, the whole stderr line] */
const CASES: [string, string[], string][] = [
  ['--port abc', ['--port', 'abc'], 'serve: --port must be an integer from 0 to 65535, got "abc"'],
  ['--port -1', ['--port', '-1'], 'serve: --port must be an integer from 0 to 65535, got "-1"'],
  ['--port 70000', ['--port', '70000'], 'serve: --port must be an integer from 0 to 65535, got "70000"'],
  ['--auth without a colon', ['--port', '0', '--auth', KEY], 'serve: auth must have the form uuid:key'],
  ['--auth with an empty key', ['--port', '0', '--auth', 'uuid:'], 'serve: auth must have the form uuid:key'],
  [
    '--auth with an empty uuid',
    ['--port', '0', '--auth', `:${KEY}`],
    'serve: auth must have the form uuid:key',
  ],
  [
    '--namespace with a space',
    ['--port', '0', '--namespace', 'a b'],
    'serve: namespace contains illegal characters: a b',
  ],
  [
    '--concurrency 0',
    ['--port', '0', '--concurrency', '0'],
    'serve: --concurrency must be an integer from 1 to 500, got "0"',
  ],
  ['--host 0.0.0.0 (no such flag)', ['--host', '0.0.0.0'], "serve: Unknown option '--host' (see --help)"],
  ['an unknown flag', ['--colour'], "serve: Unknown option '--colour' (see --help)"],
  ['a positional argument', ['3233'], "serve: Unexpected argument '3233' (see --help)"],
];

describe('npm run serve: bad command lines', function () {
  for (const [what, args, line] of CASES) {
    it(`${what}: exit 2, "${line}"`, async () => {
      const outcome = await runCli('serve', args, { timeoutMs: 30_000 });
      expectCliError(outcome, { line, exitCode: 2, secrets: [KEY] });
      expect(outcome.stdout).to.equal('');
    });
  }
});
