/**
 * A short seeded soak against the real broker and the embedded controller: seed 1760 with N up to 6
 * plans inject, pause, two close-connection rounds, none and kill, none aimed at the leader, the kill
 * and the pause within 50 ms of the container's start (so they hit a live party). Judged as
 * `npm run soak` judges them.
 */
import { expect } from 'chai';
import { join } from 'node:path';

import { loadManifest } from '../../../src/deploy/manifest.js';
import { enableEventPlugin, type RestorePlugin } from '../../../src/soak/event-plugin.js';
import { FAULT_KINDS } from '../../../src/soak/plan.js';
import { runSoak, type SoakResult } from '../../../src/soak/soak.js';
import { AMQP_URL } from '../../helpers/round.js';
import { buildBundles } from '../../helpers/whisk-faults.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SEED = 1760;
const ROUNDS = 6;

describe('fault soak', function () {
  this.timeout(600_000);
  let restore: RestorePlugin | undefined;
  let result: SoakResult;
  const progress: string[] = [];

  before(async () => {
    await buildBundles();
    restore = await enableEventPlugin();
    result = await runSoak({
      seed: SEED,
      rounds: ROUNDS,
      limits: { maxN: 6 },
      amqpUrl: AMQP_URL,
      manifest: loadManifest(join(ROOT, 'manifest.yaml')),
      timeoutMs: 30_000,
      expiresMs: 5_000,
      heartbeatMs: 200,
      progress: (line) => progress.push(line),
    });
  });
  after(async () => {
    await restore?.();
  });

  it('runs every fault kind, in the order the seed plans', () => {
    expect(result.interrupted).to.equal(false);
    expect(result.rounds.map((r) => r.plan.seed)).to.deep.equal([1760, 1761, 1762, 1763, 1764, 1765]);
    expect(new Set(result.rounds.map((r) => r.plan.fault.kind))).to.deep.equal(new Set(FAULT_KINDS));
    expect(progress.filter((line) => line.startsWith('round '))).to.have.length(ROUNDS);
  });

  it('counts every round once in a table that adds up', () => {
    const { rows, total } = result.table;
    expect(total.rounds).to.equal(ROUNDS);
    expect(total.succeeded + total.failed + total.hangs).to.equal(ROUNDS);
    for (const column of [
      'rounds',
      'succeeded',
      'failed',
      'violations',
      'hangs',
      'leaks',
      'missed',
    ] as const) {
      expect(
        FAULT_KINDS.reduce((sum, kind) => sum + rows[kind][column], 0),
        column,
      ).to.equal(total[column]);
    }
    const flagged = result.rounds.filter((r) => r.verdict.violations.length > 0).length;
    expect(total.violations).to.equal(flagged);
  });

  it('sees no hang and no leak, and the fault-free round succeeds', () => {
    const details = result.rounds.flatMap((r) => [...r.verdict.leaks, ...r.verdict.problems]);
    expect(result.table.total.hangs, details.join('; ')).to.equal(0);
    expect(result.table.total.leaks, details.join('; ')).to.equal(0);
    expect(result.table.rows.none.succeeded).to.equal(1);
  });

  it('delivers the injected messages, which the parties drop', () => {
    const inject = result.rounds.find((r) => r.plan.fault.kind === 'inject');
    expect(inject?.observation.faultHits).to.be.above(0);
    const outcome = inject?.observation.outcome;
    expect(outcome?.kind).to.equal('returned');
    // The leader's queue exists before the leader consumes it, so the leader always meets the forgeries.
    const drops =
      outcome?.kind === 'returned' ? (outcome.report.history ?? []).filter((e) => e.type === 'drop') : [];
    expect(drops.filter((e) => e.actor === 'leader')).not.to.deep.equal([]);
  });

  it('kills and pauses the slave containers it aimed at', () => {
    for (const kind of ['kill', 'pause'] as const) {
      const round = result.rounds.find((r) => r.plan.fault.kind === kind);
      expect(round?.observation.faultHits, kind).to.equal(1);
    }
  });
});
