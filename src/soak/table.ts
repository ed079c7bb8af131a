import type { RoundVerdict } from './judge.js';
import { FAULT_KINDS, type FaultKind } from './plan.js';

/** Counts of one row of the soak's table. */
export interface TableRow {
  readonly rounds: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Rounds with at least one violation. */
  readonly violations: number;
  readonly hangs: number;
  /** Rounds that left something behind. */
  readonly leaks: number;
  /** Fault rounds whose fault reached no live party (the run was over, the target never started). */
  readonly missed: number;
}

/** The soak's table: one row per fault kind, and the total. */
export interface SoakTable {
  readonly rows: Readonly<Record<FaultKind, TableRow>>;
  readonly total: TableRow;
}

/** One judged round, as the table counts it. */
export interface TalliedRound {
  readonly fault: FaultKind;
  readonly verdict: RoundVerdict;
  /** Fault actions that reached a live party. */
  readonly faultHits: number;
}

export function tally(rounds: readonly TalliedRound[]): SoakTable {
  const count = (of: readonly TalliedRound[]): TableRow => ({
    rounds: of.length,
    succeeded: of.filter((r) => r.verdict.result === 'succeeded').length,
    failed: of.filter((r) => r.verdict.result === 'failed').length,
    violations: of.filter((r) => r.verdict.violations.length > 0).length,
    hangs: of.filter((r) => r.verdict.result === 'hang').length,
    leaks: of.filter((r) => r.verdict.leaks.length > 0).length,
    missed: of.filter((r) => r.fault !== 'none' && r.faultHits === 0).length,
  });
  const rows = Object.fromEntries(
    FAULT_KINDS.map((kind) => [kind, count(rounds.filter((r) => r.fault === kind))]),
  ) as Record<FaultKind, TableRow>;
  return { rows, total: count(rounds) };
}

/** True when the soak must exit non-zero: a violation, a hang, a leak, or a fault-free round that failed. */
export function soakFailed(table: SoakTable): boolean {
  const { total, rows } = table;
  return total.violations > 0 || total.hangs > 0 || total.leaks > 0 || rows.none.failed > 0;
}

const COLUMNS = ['rounds', 'succeeded', 'failed', 'violations', 'hangs', 'leaks', 'missed'] as const;

/** The table as aligned text, one line per fault kind and a total line. */
export function formatTable(table: SoakTable): string {
  const lines: string[][] = [
    ['fault', ...COLUMNS],
    ...FAULT_KINDS.map((kind) => [kind, ...COLUMNS.map((c) => String(table.rows[kind][c]))]),
    ['total', ...COLUMNS.map((c) => String(table.total[c]))],
  ];
  const width = (column: number): number => Math.max(...lines.map((line) => (line[column] ?? '').length));
  return lines
    .map((line) =>
      line.map((cell, i) => (i === 0 ? cell.padEnd(width(i)) : cell.padStart(width(i)))).join('  '),
    )
    .join('\n');
}
