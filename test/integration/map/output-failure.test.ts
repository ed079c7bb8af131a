/**
 * A run whose `--plot` or `--history` file cannot be written (a path the up-front check lets through,
 * such as /proc/run.svg) keeps its result: the result is printed, then one line names the file and the
 * reason, and the exit status is 1.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { runCli } from '../../helpers/cli-child.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://localhost';

describe('npm run map: an output file that cannot be written', function () {
  const dir = mkdtempSync(join(tmpdir(), 'whisk-map-out-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the result first, then the write error, and exits 1', async function () {
    // /proc passes the directory check (it exists and root may write to it) but refuses new files.
    if (!existsSync('/proc/self')) this.skip();
    const history = join(dir, 'h.jsonl');
    const outcome = await runCli('map', ['2', '--history', history, '--plot', '/proc/run.svg'], {
      env: { AMQP_URL },
      timeoutMs: 90_000,
    });
    const context = `stdout: ${outcome.stdout}\nstderr: ${outcome.stderr}`;
    expect(outcome.signal, context).to.equal(null);
    expect(outcome.code, context).to.equal(1);
    expect(outcome.stdout, context).to.match(
      /^run [0-9a-f]{16}: 2 slaves, 2 returned, all returned lists agree$/m,
    );
    expect(outcome.stdout.trimEnd().split('\n').at(-1)).to.equal('OK');
    const lastLine = outcome.stderr.trimEnd().split('\n').at(-1);
    expect(lastLine).to.equal(
      'map: --plot: could not write /proc/run.svg: no such file (ENOENT); the result above is complete',
    );
    expect(outcome.stderr).not.to.match(/^\s+at /m);
    // The other file was still written.
    expect(readFileSync(history, 'utf8')).to.match(/"type":"commit"/);
  });
});
