import type { FanoutFigures, RoundTripFigures } from './amqp-probe.js';
import type { InvocationRateFigures } from './invocation-rate.js';
import { pooledHandoffs } from './pooled.js';
import type { RoundFigures } from './round-figures.js';
import type { Percentiles } from './stats.js';
import { verdictLines, type Verdict } from './targets.js';

/** Everything one `npm run bench` measured, as written to `latest.json`. */
export interface BenchResults {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: {
    readonly cores: number;
    readonly cpu: string;
    readonly memoryBytes: number;
    readonly node: string;
    readonly platform: string;
    readonly broker: string;
  };
  readonly command: string;
  readonly localConcurrency: number;
  readonly roundTrip: RoundTripFigures;
  /**
   * A grant and its append between this process and a child process, signed and decoded with the
   * protocol's codec on confirm channels: the least a handoff between two containers costs here.
   */
  readonly processRoundTrip: Percentiles;
  readonly fanout: readonly FanoutFigures[];
  /** No-op activations through the executor on the embedded controller; absent with `--invocations 0`. */
  readonly invocationRate?: InvocationRateFigures;
  readonly rounds: readonly RoundFigures[];
  /** Every target of `TARGETS` with its verdict on these figures. */
  readonly verdicts: readonly Verdict[];
}

const ms = (v: number | undefined): string => (v === undefined ? '–' : `${Math.round(v)}`);
const s = (v: number | undefined): string => (v === undefined ? '–' : (v / 1000).toFixed(2));
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)}`;
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? '–' : `${(a / b).toFixed(1)}×`;

const percentileCells = (p: Percentiles | undefined): string =>
  p === undefined ? '–' : `${p.p50} / ${p.p90} / ${p.p99}`;

/** The results as a Markdown section: machine, broker figures, then one row per round. */
export function benchMarkdown(r: BenchResults): string {
  const m = r.machine;
  const rt = r.roundTrip;
  const prt = r.processRoundTrip;
  const lines = [
    `# whisk-sync benchmark`,
    '',
    `${r.startedAt}: ${m.cores} cores (${m.cpu}), ${mb(m.memoryBytes)} MB RAM, Node.js ${m.node} on ${m.platform}, ` +
      `${m.broker} on loopback; embedded controller, ${r.localConcurrency} activations per container.`,
    '',
    `Command: \`${r.command}\` (${s(r.durationMs)} s in all)`,
    '',
    '## Broker bounds',
    '',
    `Raw AMQP round trip between two connections (TCP_NODELAY), ${rt.count} samples: ` +
      `p50 ${rt.p50} ms, p90 ${rt.p90} ms, p99 ${rt.p99} ms.`,
    '',
    `Round trip between two processes as the actions talk (a grant out, an append back; signed, verified ` +
      `and decoded with the protocol's codec; confirm channels, batched acks; no protocol logic), ` +
      `${prt.count} samples: p50 ${prt.p50} ms, p90 ${prt.p90} ms, p99 ${prt.p99} ms ` +
      `(${ratio(prt.p50, rt.p50)} the round trip above): the floor of one handoff.`,
    '',
    '| bound queues | deliveries/s | one message to every queue (ms) |',
    '|---:|---:|---:|',
    ...r.fanout.map((f) => `| ${f.queues} | ${f.deliveriesPerSecond} | ${f.perMessageMs} |`),
    '',
    '## Invocations',
    '',
    invocationLine(r.invocationRate, r.localConcurrency),
    '',
    '## End to end (`runRound` on the embedded controller)',
    '',
    '| N | run | route | ok | total s | invoke ms | container start ms | first grant ms | coordination ms | ' +
      'collection ms | handoff p50 / p90 / p99 ms | p50 ÷ round trip | p50 ÷ two-process round trip | ' +
      'p50 ÷ fanout bound | published | ' +
      'delivered | controller MB | containers MB | memory MB |',
    '|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rounds.map((x) => {
      const fan = r.fanout.find((f) => f.queues === x.n)?.perMessageMs;
      const h = x.handoffMs;
      const handoff = percentileCells(h);
      return (
        `| ${x.n} | ${x.mode} | ${x.route} | ${x.ok ? 'yes' : 'NO'} | ${s(x.totalMs)} | ${ms(x.invocationMs)} | ` +
        `${ms(x.containerStartMs)} | ${ms(x.firstGrantMs)} | ${ms(x.coordinationMs)} | ${ms(x.collectionMs)} | ` +
        `${handoff} | ${ratio(h?.p50, rt.p50)} | ${ratio(h?.p50, prt.p50)} | ${x.route === 'fanout' ? ratio(h?.p50, fan) : '–'} | ` +
        `${x.published} | ${x.delivered} | ${mb(x.controllerPeakBytes)} | ${mb(x.containersPeakBytes)} | ${mb(x.totalPeakBytes)} |`
      );
    }),
    '',
    '## Handoff, rounds pooled',
    '',
    'Every handoff of every round with the same N and route taken together (see Targets for what they ' +
      'are held to).',
    '',
    '| N | route | rounds | handoffs | p50 / p90 / p99 ms | p50 ÷ round trip | p50 ÷ two-process round trip |',
    '|---:|---|---:|---:|---|---:|---:|',
    ...pooledHandoffs(r.rounds).map(
      (h) =>
        `| ${h.n} | ${h.route} | ${h.rounds} | ${h.count} | ${percentileCells(h.handoffMs)} | ` +
        `${ratio(h.handoffMs?.p50, rt.p50)} | ${ratio(h.handoffMs?.p50, prt.p50)} |`,
    ),
    '',
  ];
  lines.push('## Targets', '', ...verdictLines(r.verdicts), '');
  const failed = r.rounds.filter((x) => !x.ok);
  if (failed.length > 0) {
    lines.push(
      'Problems:',
      '',
      ...failed.map((x) => `- N = ${x.n} ${x.mode} (${x.route} route): ${firstProblems(x.problems)}`),
      '',
    );
  }
  return lines.join('\n');
}

function invocationLine(v: InvocationRateFigures | undefined, concurrency: number): string {
  if (v === undefined) return 'Not measured (`--invocations 0`).';
  const failed = v.failed === 0 ? '' : `; ${v.failed} FAILED`;
  return (
    `${v.activations} no-op activations invoked through the executor (openwhisk SDK over HTTP) on the ` +
    `embedded controller, ${concurrency} per container, after a warm-up: accepted in ${v.acceptedMs} ms ` +
    `(**${v.acceptedPerSecond} invocations/s**), all completed in ${v.completedMs} ms ` +
    `(${v.completedPerSecond} activations/s), ${v.containers} container${v.containers === 1 ? '' : 's'}${failed}.`
  );
}

/** The first three problems of a round and how many more: a round of 1000 failed slaves stays one line. */
export function firstProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, 3).join('; ');
  return problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown;
}
