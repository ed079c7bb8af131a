import type { SoakResult } from './soak.js';
import { describeFault } from './plan.js';
import { formatTable } from './table.js';

/** What the soak prints at the end: the table, the seed to replay, and every flagged round. */
export function formatSoak(result: SoakResult, seed: number, limits: { readonly maxN: number }): string {
  const flagged = result.rounds.filter(
    (r) =>
      r.verdict.violations.length > 0 ||
      r.verdict.leaks.length > 0 ||
      r.verdict.result === 'hang' ||
      (r.plan.fault.kind === 'none' && r.verdict.result === 'failed'),
  );
  const lines = [
    formatTable(result.table),
    '',
    `seed ${seed}: replay with npm run soak -- --rounds ${result.rounds.length} --seed ${seed} --max-n ${limits.maxN}` +
      (result.interrupted ? ' (interrupted)' : ''),
  ];
  if (flagged.length > 0) lines.push('', 'flagged rounds (replay one with --rounds 1 --seed <round seed>):');
  for (const { plan, verdict, observation } of flagged) {
    lines.push(
      `round ${plan.index + 1} seed ${plan.seed}: N=${plan.n}, concurrency ${plan.concurrency}, ${plan.route}, ` +
        `retries ${plan.retries}, lease ${plan.leaseMs} ms; ${describeFault(plan.fault)}; ${verdict.result}` +
        (observation.runId === undefined ? '' : ` (run ${observation.runId})`),
    );
    if (plan.fault.kind === 'none' && verdict.result === 'failed') {
      for (const problem of verdict.problems) lines.push(`  failed fault-free: ${problem}`);
    }
    for (const violation of verdict.violations) lines.push(`  violation: ${violation}`);
    for (const leak of verdict.leaks) lines.push(`  leak: ${leak}`);
  }
  return `${lines.join('\n')}\n`;
}
