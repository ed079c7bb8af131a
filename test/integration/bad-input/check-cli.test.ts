/**
 * Bad command lines and files of `npm run check`: exit 2, the message, then (for argument mistakes)
 * the hint line, no stack trace. test/unit/history/check-cli.test.ts covers the rest of the table:
 * no file, a missing file, a malformed line, an unknown --run id.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { expectCliError, runCli } from '../../helpers/cli-child.js';

const HINT = 'run with --help for usage';
const CORRECT = 'test/fixtures/history/correct-run.jsonl';
const dir = mkdtempSync(join(tmpdir(), 'whisk-check-bad-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** [what, args, the whole first stderr line, whether the hint line follows] */
const CASES: [string, () => string[], (args: string[]) => string, boolean][] = [
  ['a directory', () => [dir], () => `check: cannot access history file ${dir}: it is a directory`, false],
  [
    'an empty file',
    () => [file('empty.jsonl', '')],
    ([path]) => `check: ${path ?? ''} holds no events`,
    true,
  ],
  [
    'only blank lines',
    () => [file('blank.jsonl', '\n\n')],
    ([path]) => `check: ${path ?? ''} holds no events`,
    true,
  ],
  [
    'a line that is JSON but no event',
    () => [file('not-event.jsonl', '{"a":1}\n')],
    ([path]) => `check: ${path ?? ''} line 1: field "type" must be a string`,
    false,
  ],
  ['an unknown flag', () => [CORRECT, '--colour'], () => "check: Unknown option '--colour'", true],
  [
    '--run without its value',
    () => [CORRECT, '--run'],
    () => "check: Option '--run <value>' argument missing",
    true,
  ],
  ['two files', () => [CORRECT, CORRECT], () => 'check: expected exactly one history file', true],
];

describe('npm run check: bad command lines and files', function () {
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [what, makeArgs, line, hint] of CASES) {
    it(`${what}: exit 2, one line${hint ? ' and the hint' : ''}`, async () => {
      const args = makeArgs();
      const outcome = await runCli('check', args);
      expectCliError(outcome, { line: line(args), exitCode: 2, ...(hint ? { usageLine: HINT } : {}) });
      expect(outcome.stdout).to.equal('');
    });
  }
});
