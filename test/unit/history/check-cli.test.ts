import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string): string => `test/fixtures/history/${name}`;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `whisk-sync check` from the sources as a child process, the way `npm run check` does. */
function check(...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'check', ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`could not run the check command: ${error.message}`));
          return;
        }
        resolve({ code: child.exitCode ?? -1, stdout, stderr });
      },
    );
  });
}

describe('npm run check', () => {
  it('exits 0 and reports every property as passed for a correct run', async () => {
    const out = await check(fixture('correct-run.jsonl'));
    expect(out.code).to.equal(0);
    for (const p of ['Mutual exclusion', 'Agreement', 'Validity', 'Termination', 'Fencing']) {
      expect(out.stdout).to.include(`PASS  ${p}:`);
    }
    expect(out.stderr).to.equal('');
  });

  it('exits 1 and names the violation when lists disagree; --json gives the same verdict', async () => {
    const text = await check(fixture('disagreeing-lists.jsonl'));
    expect(text.code).to.equal(1);
    expect(text.stdout).to.include('FAIL  Agreement:');
    expect(text.stdout).to.include('slave 3 returned a different list than slave 0');

    const json = await check(fixture('disagreeing-lists.jsonl'), '--json');
    expect(json.code).to.equal(1);
    const report = JSON.parse(json.stdout) as {
      passed: boolean;
      runs: { properties: { property: string; passed: boolean }[] }[];
    };
    expect(report.passed).to.be.false;
    const failed = report.runs[0]!.properties.filter((p) => !p.passed).map((p) => p.property);
    expect(failed).to.deep.equal(['Agreement', 'Validity']);
  });

  const usageErrors: [string, string[], RegExp][] = [
    [
      'a malformed line',
      [fixture('truncated-line.jsonl')],
      /^check: .*truncated-line\.jsonl line 3: not valid JSON$/,
    ],
    [
      'a missing file',
      ['no-such-history.jsonl'],
      /^check: cannot access history file no-such-history\.jsonl: no such file$/,
    ],
    ['no file', [], /^check: missing history file$/],
    ['an unknown option', [fixture('correct-run.jsonl'), '--colour'], /^check: Unknown option '--colour'/],
    [
      'a run id not in the file',
      [fixture('correct-run.jsonl'), '--run', 'other'],
      /^check: run other does not occur/,
    ],
  ];
  for (const [what, args, message] of usageErrors) {
    it(`exits 2 with a one-line message and no stack trace for ${what}`, async () => {
      const out = await check(...args);
      expect(out.code).to.equal(2);
      expect(out.stdout).to.equal('');
      const first = out.stderr.split('\n')[0] ?? '';
      expect(first).to.match(message);
      expect(out.stderr).to.not.match(/\n\s+at /);
    });
  }

  it('prints help and exits 0', async () => {
    const out = await check('--help');
    expect(out.code).to.equal(0);
    expect(out.stdout).to.match(/^usage: whisk-sync check <history\.jsonl>/);
  });
});
