import type { AppendRoute } from '../protocol/messages.js';
import type { InvocationRateFigures } from './invocation-rate.js';
import { pooledHandoffs } from './pooled.js';
import type { RoundFigures } from './round-figures.js';
import type { Percentiles } from './stats.js';

/** The figures a verdict is computed from: the parts of one bench run's results. */
export interface VerdictInput {
  readonly processRoundTrip: Percentiles;
  readonly rounds: readonly RoundFigures[];
  readonly invocationRate: InvocationRateFigures | undefined;
}

/** What one target asks of the figures. */
export interface Target {
  readonly id: string;
  /** One line, e.g. `N = 1000 default route, cold round ≤ 6 s`. */
  readonly text: string;
  /** `at-most`: the figure must not exceed `limit`; `at-least`: it must reach it. */
  readonly bound: 'at-most' | 'at-least';
  readonly limit: number;
  /** Unit of `limit` and of the measured value, as printed. */
  readonly unit: string;
  /**
   * The measured value, `undefined` when the bench did not run what it needs; `ok: false` fails the
   * target whatever the value (a round that did not agree has no valid time).
   */
  readonly measure: (input: VerdictInput) => { readonly value: number; readonly ok: boolean } | undefined;
}

/** How one target fared. */
export interface Verdict {
  readonly id: string;
  readonly target: string;
  readonly status: 'met' | 'not met' | 'not run';
  /** The measured value in the target's unit, when run. */
  readonly value?: number;
  readonly limit: number;
  readonly unit: string;
  /** Measured value ÷ limit, to 0.01, when run: below 1 meets an `at-most` target, 1 or more an `at-least` one. */
  readonly ratio?: number;
}

const GB = 1024 ** 3;

/** Rounds of `n` on `route` in `mode`; `'any'` takes the fanout rows when there are, else the leader's. */
function roundsOf(
  rounds: readonly RoundFigures[],
  n: number,
  route: AppendRoute | 'any',
  mode: 'cold' | 'warm' | 'any',
): RoundFigures[] {
  const pick = (r: AppendRoute): RoundFigures[] =>
    rounds.filter((x) => x.n === n && x.route === r && (mode === 'any' || x.mode === mode));
  if (route !== 'any') return pick(route);
  const fanout = pick('fanout');
  return fanout.length > 0 ? fanout : pick('leader');
}

/** Median of the values (the lower middle one of an even count); the bench runs few rounds per N. */
function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The rounds' median total time in seconds; failed if any of them did not agree. */
function roundSeconds(n: number, route: AppendRoute | 'any', mode: 'cold' | 'warm'): Target['measure'] {
  return ({ rounds }) => {
    const chosen = roundsOf(rounds, n, route, mode);
    const value = median(chosen.map((r) => r.totalMs / 1000));
    return value === undefined ? undefined : { value, ok: chosen.every((r) => r.ok) };
  };
}

/** The largest peak of controller plus containers over the rounds of `n`, in GB. */
function peakMemoryGb(n: number, route: AppendRoute | 'any'): Target['measure'] {
  return ({ rounds }) => {
    const chosen = roundsOf(rounds, n, route, 'any');
    if (chosen.length === 0) return undefined;
    const peak = Math.max(...chosen.map((r) => r.totalPeakBytes));
    return { value: peak / GB, ok: true };
  };
}

/** p50 of every handoff of the rounds of `n` taken together, in ms (`'any'` prefers the fanout rows). */
function pooledP50(n: number): (input: VerdictInput) => number | undefined {
  return ({ rounds }) => {
    const groups = pooledHandoffs(rounds).filter((g) => g.n === n);
    const group = groups.find((g) => g.route === 'fanout') ?? groups[0];
    return group?.handoffMs?.p50;
  };
}

/**
 * The project's performance targets, in one place: the bench prints a verdict for each after its tables.
 * Round times are the median over the repetitions of that N.
 */
export const TARGETS: readonly Target[] = [
  {
    id: 'handoff-n10',
    text: 'handoff p50 at N = 10 (rounds pooled) ≤ 1.3× the two-process round trip',
    bound: 'at-most',
    limit: 1.3,
    unit: '×',
    measure: (input) => {
      const p50 = pooledP50(10)(input);
      const floor = input.processRoundTrip.p50;
      return p50 === undefined || floor <= 0 ? undefined : { value: p50 / floor, ok: true };
    },
  },
  {
    id: 'n100-cold',
    text: 'N = 100, one round cold ≤ 1.2 s',
    bound: 'at-most',
    limit: 1.2,
    unit: 's',
    measure: roundSeconds(100, 'any', 'cold'),
  },
  {
    id: 'n100-warm',
    text: 'N = 100, one round warm ≤ 0.6 s',
    bound: 'at-most',
    limit: 0.6,
    unit: 's',
    measure: roundSeconds(100, 'any', 'warm'),
  },
  {
    id: 'n1000-fanout-cold',
    text: 'N = 1000 default route (fanout), cold round ≤ 6 s',
    bound: 'at-most',
    limit: 6,
    unit: 's',
    measure: roundSeconds(1000, 'fanout', 'cold'),
  },
  {
    id: 'n1000-handoff',
    text: 'N = 1000 handoff p50 (rounds pooled) ≤ 3 ms',
    bound: 'at-most',
    limit: 3,
    unit: 'ms',
    measure: (input) => {
      const p50 = pooledP50(1000)(input);
      return p50 === undefined ? undefined : { value: p50, ok: true };
    },
  },
  {
    id: 'n1000-memory',
    text: 'N = 1000 memory (controller + containers, peak) ≤ 1 GB',
    bound: 'at-most',
    limit: 1,
    unit: 'GB',
    measure: peakMemoryGb(1000, 'any'),
  },
  {
    id: 'n1000-leader-cold',
    text: 'N = 1000 leader route, cold round ≤ 4 s',
    bound: 'at-most',
    limit: 4,
    unit: 's',
    measure: roundSeconds(1000, 'leader', 'cold'),
  },
  {
    id: 'n10000-leader-time',
    text: 'N = 10000 leader route, cold round agrees (identical lists) in ≤ 150 s',
    bound: 'at-most',
    limit: 150,
    unit: 's',
    measure: roundSeconds(10_000, 'leader', 'cold'),
  },
  {
    id: 'n10000-leader-memory',
    text: 'N = 10000 leader route memory (controller + containers, peak) ≤ 8 GB',
    bound: 'at-most',
    limit: 8,
    unit: 'GB',
    measure: peakMemoryGb(10_000, 'leader'),
  },
  {
    id: 'invocations',
    text: 'invocations accepted ≥ 1000/s (no-op action, executor and embedded controller)',
    bound: 'at-least',
    limit: 1000,
    unit: '/s',
    measure: ({ invocationRate }) =>
      invocationRate === undefined
        ? undefined
        : { value: invocationRate.acceptedPerSecond, ok: invocationRate.failed === 0 },
  },
];

/** The verdict of every target on these figures. */
export function verdicts(input: VerdictInput, targets: readonly Target[] = TARGETS): Verdict[] {
  return targets.map((t) => {
    const base = { id: t.id, target: t.text, limit: t.limit, unit: t.unit };
    const measured = t.measure(input);
    if (measured === undefined) return { ...base, status: 'not run' };
    const within = t.bound === 'at-most' ? measured.value <= t.limit : measured.value >= t.limit;
    return {
      ...base,
      status: measured.ok && within ? 'met' : 'not met',
      value: Math.round(measured.value * 1000) / 1000,
      ratio: Math.round((measured.value / t.limit) * 100) / 100,
    };
  });
}

/** One Markdown list line per verdict. */
export function verdictLines(list: readonly Verdict[]): string[] {
  return list.map((v) => {
    if (v.status === 'not run' || v.value === undefined || v.ratio === undefined) {
      return `- ${v.target}: not run`;
    }
    const value = /^[×/]/.test(v.unit) ? `${v.value}${v.unit}` : `${v.value} ${v.unit}`;
    return `- ${v.target}: **${v.status}** (${value}, ${v.ratio}× the target)`;
  });
}
