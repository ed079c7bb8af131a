import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import { parseHistory } from '../../../src/history/jsonl.js';
import { ensureBundles } from '../../../src/run/bundles.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://localhost';
// Every child gets a deadline, so a hang fails the test instead of stalling the suite.
const CHILD_TIMEOUT_MS = 90_000;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `whisk-sync map ...args` from the sources, the way `npm run map -- ...args` does. */
function map(args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'map', ...args],
      { cwd: ROOT, timeout: CHILD_TIMEOUT_MS, env: { ...process.env, AMQP_URL, ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

interface MapJson {
  runId: string;
  n: number;
  ok: boolean;
  agree: boolean;
  list: number[];
  results: (number[] | null)[];
  elapsedMs: number;
  failed: unknown[];
  timings: Record<string, number | undefined>;
}

function expectAgreedList(json: MapJson, n: number): void {
  expect(json.n).to.equal(n);
  expect(json.runId).to.match(/^[0-9a-f]{16}$/);
  expect(json.ok).to.equal(true);
  expect(json.agree).to.equal(true);
  expect(json.list).to.have.length(n);
  for (const value of json.list) {
    expect(Number.isInteger(value) && value >= 0 && value <= 1000, `value ${value}`).to.equal(true);
  }
  expect(json.results).to.have.length(n);
  for (const list of json.results) expect(list).to.deep.equal(json.list);
  expect(json.failed).to.deep.equal([]);
  expect(json.elapsedMs).to.be.a('number').and.be.above(0);
}

function expectNoStack(text: string): void {
  expect(text).not.to.match(/^\s+at .+\(.+:\d+:\d+\)$/m);
}

describe('npm run map', function () {
  before(async function () {
    // Built once here, so that the runs below do not each decide to rebuild.
    await ensureBundles(ROOT);
  });

  describe('usage errors: exit 2, one line, no stack', () => {
    const cases: [string, string[]][] = [
      ['missing N', []],
      ['non-integer N', ['abc']],
      ['fractional N', ['2.5']],
      ['zero N', ['0']],
      ['negative N', ['-3']],
      ['too large N', ['100000']],
      ['an unknown option', ['3', '--no-such-option']],
      ['a malformed --retries', ['3', '--retries', 'many']],
    ];
    for (const [what, args] of cases) {
      it(`rejects ${what}`, async () => {
        const { code, stdout, stderr } = await map(args);
        expect(code).to.equal(2);
        expect(stdout).to.equal('');
        const lines = stderr.trim().split('\n');
        expect(lines, stderr).to.have.length(1);
        expect(lines[0]).to.contain('usage: npm run map -- N');
        expectNoStack(stderr);
      });
    }

    it('prints help with --help and exits 0', async () => {
      const { code, stdout } = await map(['--help']);
      expect(code).to.equal(0);
      expect(stdout).to.contain('--retries K').and.contain('--json').and.contain('exit status');
    });
  });

  describe('an unusable broker: exit 1 with the password masked', () => {
    it('names an unreachable broker and how to start one', async () => {
      const { code, stdout, stderr } = await map(['3', '--amqp-url', 'amqp://guest:secret@127.0.0.1:1']);
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.contain('amqp://guest:***@127.0.0.1:1').and.contain('rabbitmq-server -detached');
      expect(stderr).to.contain('AMQP_URL');
      expect(stderr).not.to.contain('secret');
      expect(stderr.trim().split('\n')).to.have.length(1);
      expectNoStack(stderr);
    });

    it('says when the broker refuses the credentials', async () => {
      const url = new URL(AMQP_URL);
      url.username = 'guest';
      url.password = 'wrong-password-42';
      const { code, stderr } = await map(['3', '--amqp-url', url.href]);
      expect(code).to.equal(1);
      expect(stderr).to.contain('refused').and.not.contain('wrong-password-42');
      expectNoStack(stderr);
    });
  });

  describe('rounds on the embedded controller and the real broker', () => {
    // N = 5 runs one process per activation, as OpenWhisk does by default; the others share containers.
    const rounds: [number, string[]][] = [
      [1, []],
      [5, ['--local-concurrency', '1']],
      [25, []],
      [10, ['--append-route', 'leader']],
      // A cap of exactly N + 1 admits the leader and every slave.
      [3, ['--max-concurrent', '4']],
    ];
    for (const [n, extra] of rounds) {
      it(`N = ${n} ${['--json', ...extra].join(' ')}: one JSON object, every slave returns the same list`, async () => {
        const { code, stdout, stderr } = await map([String(n), '--json', '--local', ...extra]);
        expect(code, stderr).to.equal(0);
        const lines = stdout.trim().split('\n');
        expect(lines, 'stdout holds only the JSON object').to.have.length(1);
        expectAgreedList(JSON.parse(lines[0] ?? '') as MapJson, n);
      });
    }

    it("refuses a round above the embedded controller's default cap before invoking anything, naming --max-concurrent", async () => {
      const { code, stdout, stderr } = await map(['2000', '--local']);
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.contain(
        "map: the round runs 2001 activations at once (the leader and 2000 slaves), above the embedded controller's 2000; raise it with --max-concurrent 2001",
      );
      expectNoStack(stderr);
    });

    it('prints the list, the agreement and the timings, and writes a history that passes the checker', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'whisk-map-'));
      try {
        const historyFile = join(dir, 'history.jsonl');
        const plotFile = join(dir, 'run.svg');
        const { code, stdout, stderr } = await map([
          '4',
          '--local',
          '--history',
          historyFile,
          '--plot',
          plotFile,
        ]);
        expect(code, stderr).to.equal(0);
        expect(stdout).to.contain('all returned lists agree').and.contain('coordination').and.match(/^OK$/m);
        const listLine = /^list \(4\): \[(.*)\]$/m.exec(stdout);
        expect(listLine, stdout).not.to.equal(null);
        expect(stderr).to.contain('check passed');

        const events = parseHistory(readFileSync(historyFile, 'utf8'));
        const types = new Set(events.map((e) => e.type));
        for (const type of ['invoke', 'grant', 'append', 'commit', 'return', 'end'])
          expect(types).to.include(type);
        expect(events.filter((e) => e.type === 'commit')).to.have.length(4);
        expect(existsSync(plotFile)).to.equal(true);
        expect(readFileSync(plotFile, 'utf8'))
          .to.match(/<svg[\s>]/)
          .and.match(/<\/svg>\s*$/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
