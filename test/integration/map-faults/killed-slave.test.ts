/**
 * `npm run map` as a child process against an embedded controller in this process, with one
 * activation per container, so that killing a container kills exactly one slave. The first slave
 * container is SIGKILLed as soon as it exists: without retries map names the failed slave and exits
 * 1; with `--retries 1` the slave is invoked again under the same id and the run completes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { parseHistory } from '../../../src/history/jsonl.js';
import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { waitUntilGone } from '../../../src/soak/broker-resources.js';
import { ROOT, runCli, type CliOutcome } from '../../helpers/cli-child.js';
import { AMQP_URL } from '../../helpers/round.js';
import {
  ContainerWatch,
  FAULT_EXPIRES_MS,
  FAULT_HEARTBEAT_MS,
  buildBundles,
} from '../../helpers/whisk-faults.js';

const N = 3;
// Deadline of the round and of each action: far above a healthy run, far below mocha's timeout.
const ROUND_TIMEOUT_MS = 40_000;

/**
 * manifest.yaml as an operator would adapt it for short-lived runs: the fault runs' queue expiry and
 * heartbeat bound as package parameters, the code paths absolute so the copy can live anywhere.
 */
function writeManifest(dir: string): string {
  const path = join(dir, 'manifest.yaml');
  const text = readFileSync(join(ROOT, 'manifest.yaml'), 'utf8')
    .replace(/function: dist\//g, `function: ${join(ROOT, 'dist')}/`)
    .replace(
      /^( {4})actions:$/m,
      `$1inputs:\n$1  expiresMs: ${FAULT_EXPIRES_MS}\n$1  heartbeatMs: ${FAULT_HEARTBEAT_MS}\n$1actions:`,
    );
  writeFileSync(path, text);
  return path;
}

interface MapJson {
  runId: string;
  ok: boolean;
  agree: boolean;
  list: number[];
  results: (number[] | null)[];
  failed: { id: number; attempts: number; error: string }[];
  retried: number;
  problems: string[];
  history?: { file: string; events: number; checkPassed: boolean };
}

function parseJson(outcome: CliOutcome): MapJson {
  const lines = outcome.stdout.trim().split('\n');
  expect(lines, `stdout holds one JSON object\n${outcome.stderr}`).to.have.length(1);
  return JSON.parse(lines[0] ?? '') as MapJson;
}

describe('npm run map with a slave killed by the platform', function () {
  this.timeout(120_000);
  let whisk: LocalWhisk;
  let watch: ContainerWatch | undefined;
  let dir: string;
  let manifest: string;

  before(async function () {
    this.timeout(200_000);
    await buildBundles();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'whisk-map-faults-'));
    manifest = writeManifest(dir);
    // A fresh controller per test: no warm container from an earlier run can serve a slave.
    let killedOne = false;
    watch = new ContainerWatch((container) => {
      if (killedOne || !container.action.endsWith('/slave')) return 'run';
      killedOne = true;
      return 'kill';
    });
    whisk = await startLocalWhisk({
      concurrencyOverride: 1,
      prewarmContainers: 0,
      onContainerAssigned: (container) => {
        watch?.apply(container);
      },
    });
  });
  afterEach(async () => {
    watch?.stop();
    await whisk.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const map = (extra: readonly string[]): Promise<CliOutcome> =>
    runCli(
      'map',
      [
        String(N),
        '--json',
        '--apihost',
        whisk.apihost,
        '--auth',
        whisk.auth,
        '--manifest',
        manifest,
        '--amqp-url',
        AMQP_URL,
        '--timeout-ms',
        String(ROUND_TIMEOUT_MS),
        '--history',
        join(dir, 'history.jsonl'),
        ...extra,
      ],
      { timeoutMs: 100_000 },
    );

  it('without retries: exits 1, names the failed slave, the others agree, the history check passes', async () => {
    const outcome = await map([]);
    expect(watch?.killed.size).to.equal(1);
    expect(outcome.signal, outcome.stderr).to.equal(null);
    expect(outcome.code, outcome.stderr).to.equal(1);
    const json = parseJson(outcome);
    expect(json.ok).to.equal(false);
    expect(json.failed, JSON.stringify(json.failed)).to.have.length(1);
    const dead = json.failed[0]?.id ?? -1;
    expect(outcome.stderr).to.contain(`slave ${dead} failed`);
    expect(json.problems.some((p) => p.startsWith(`slave ${dead} failed`))).to.equal(true);
    // The survivors agree on a list without the dead slave's value.
    const survivors = json.results.filter((list): list is number[] => list !== null);
    expect(survivors).to.have.length(N - 1);
    for (const list of survivors) expect(list).to.deep.equal(json.list);
    expect(json.list).to.have.length(N - 1);

    expect(json.history?.checkPassed).to.equal(true);
    expect(outcome.stderr).to.match(/history: \d+ events in .*history\.jsonl; check passed/);
    const events = parseHistory(readFileSync(join(dir, 'history.jsonl'), 'utf8'));
    expect(events.filter((e) => e.type === 'commit')).to.have.length(N - 1);
    expect(await waitUntilGone(json.runId, 30_000)).to.deep.equal({ queues: [], exchanges: [] });
  });

  it('with --retries 1: the slave is invoked again under its id and the run completes with exit 0', async () => {
    const outcome = await map(['--retries', '1']);
    expect(watch?.killed.size).to.equal(1);
    expect(outcome.signal, outcome.stderr).to.equal(null);
    expect(outcome.code, outcome.stderr).to.equal(0);
    const json = parseJson(outcome);
    expect(json.ok).to.equal(true);
    expect(json.retried).to.equal(1);
    expect(json.failed).to.deep.equal([]);
    expect(outcome.stderr).to.match(/slave \d+ failed .*; invoking it again \(retry 1 of 1\)/);
    expect(json.list).to.have.length(N);
    for (const list of json.results) expect(list).to.deep.equal(json.list);

    expect(existsSync(join(dir, 'history.jsonl'))).to.equal(true);
    // The re-invocation carries the failed slave's id: one id invoked twice, every other once.
    const retriedId = Number(/slave (\d+) failed/.exec(outcome.stderr)?.[1]);
    const invokes = parseHistory(readFileSync(join(dir, 'history.jsonl'), 'utf8')).flatMap((e) =>
      e.type === 'invoke' && e.role === 'slave' ? [e.slave] : [],
    );
    expect([...invokes].sort()).to.deep.equal([...Array(N).keys(), retriedId].sort());
    expect(json.history?.checkPassed).to.equal(true);
    expect(outcome.stderr).to.match(/history: \d+ events in .*history\.jsonl; check passed/);
    expect(await waitUntilGone(json.runId, 30_000)).to.deep.equal({ queues: [], exchanges: [] });
  });
});
