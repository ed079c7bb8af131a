/**
 * The examples of `examples/`, bundled from the package with their own webpack configuration and run
 * under the shipped leader through the embedded controller and the openwhisk SDK, as a user runs them.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';

import type { FunctionExecutor } from '../../../src/executor/executor.js';
import { checkHistory } from '../../../src/history/checker.js';
import type { RoundReport } from '../../../src/run/report.js';
import { runRound, type RoundOptions } from '../../../src/run/round.js';
import { AMQP_URL, buildExamples, startExamplesLab, type ExamplesLab } from '../../helpers/examples.js';

function expectCheckerPasses(report: RoundReport): void {
  const check = checkHistory(report.history ?? [], { sharedClock: true, runId: report.runId });
  const failures = check.runs.flatMap((r) => r.properties.flatMap((p) => p.violations.map((v) => v.message)));
  expect(failures).to.deep.equal([]);
}

const revocations = (report: RoundReport) =>
  (report.history ?? []).flatMap((e) => (e.type === 'revoke' ? [{ slave: e.slave, reason: e.reason }] : []));

describe('examples: user actions on whisk-sync/action under the shipped leader', function () {
  this.timeout(180_000);
  let lab: ExamplesLab;
  let executor: FunctionExecutor;

  before(async function () {
    this.timeout(300_000);
    await buildExamples();
    lab = await startExamplesLab(25);
  });
  beforeEach(() => {
    executor = lab.executor();
  });
  after(async () => {
    await lab.close();
  });

  const round = (options: Partial<RoundOptions> & { n: number; slaveAction: string }) =>
    runRound({ executor, amqpUrl: AMQP_URL, timeoutMs: 60_000, history: true, ...options });

  it('counter at n = 50: the agreed list is exactly 0..49, in every slave', async () => {
    const report = await round({ n: 50, slaveAction: 'examples/counter' });
    expect(report.problems).to.deep.equal([]);
    expect(report.list).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    for (const list of report.results) expect(list).to.deep.equal(report.list);
    expectCheckerPasses(report);
  });

  it('hash chain: every value links the previous one, verifiable from the list alone', async () => {
    const report = await round({ n: 8, slaveAction: 'examples/hash-chain' });
    expect(report.problems).to.deep.equal([]);
    const list = report.list as { id: number; hash: string }[];
    expect(list).to.have.length(8);
    list.forEach((entry, i) => {
      const previous = i === 0 ? '' : (list[i - 1]?.hash ?? '?');
      expect(entry.hash).to.equal(createHash('sha256').update(`${previous}${entry.id}`).digest('hex'));
    });
    expect(new Set(list.map((e) => e.id)).size).to.equal(8);
    expectCheckerPasses(report);
  });

  it('a callback that outlives several leases while alive keeps the grant (renewals)', async () => {
    const report = await round({
      n: 2,
      slaveAction: 'examples/counter',
      slaveParams: { workMs: 3500 },
      leaseMs: 1000,
      maxHoldMs: 20_000,
    });
    expect(report.problems).to.deep.equal([]);
    expect(report.list).to.deep.equal([0, 1]);
    expect(revocations(report)).to.deep.equal([]);
    expectCheckerPasses(report);
  });

  it('a callback past the maximum hold time loses the grant, and its value is fenced', async () => {
    const report = await round({
      n: 1,
      slaveAction: 'examples/counter',
      slaveParams: { workMs: 20_000 },
      leaseMs: 500,
      maxHoldMs: 1500,
    });
    expect(report.ok).to.equal(false);
    expect(report.failed.map((f) => f.id)).to.deep.equal([0]);
    expect(report.failed[0]?.error).to.match(/REVOKED|revoked/);
    expect(revocations(report)).to.deep.equal([{ slave: 0, reason: 'maximum hold time reached' }]);
    expect((report.history ?? []).filter((e) => e.type === 'commit')).to.deep.equal([]);
  });

  for (const [fault, code] of [
    ['throw', 'CALLBACK_FAILED'],
    ['undefined', 'BAD_VALUE'],
    ['huge', 'BAD_VALUE'],
  ] as const) {
    it(`a callback that fails (${fault}) releases the grant at once; the run goes on without it`, async () => {
      const report = await round({
        n: 4,
        slaveAction: 'examples/faulty',
        slaveParams: { faultyId: 2, fault },
        retries: 1,
        // A lease far longer than the round: only the release can let the next slave in.
        leaseMs: 50_000,
      });
      expect(
        report.failed.map((f) => f.id),
        JSON.stringify(report.failed),
      ).to.deep.equal([2]);
      expect(report.failed[0]?.error).to.include(
        code === 'CALLBACK_FAILED' ? 'its callback failed' : 'its callback returned',
      );
      // Not retried: the same code would fail the same way.
      expect(report.retried).to.equal(0);
      expect(report.list).to.deep.equal([0, 1, 2]);
      expect(report.missing).to.deep.equal([2]);
      expect(revocations(report)).to.deep.equal([
        { slave: 2, reason: 'released by the holder (its callback failed)' },
      ]);
      expect(report.leader.ok).to.equal(false); // the leader reports the run incomplete
      expectCheckerPasses(report);
    });
  }
});
