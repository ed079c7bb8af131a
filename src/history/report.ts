/** The properties the checker verifies, in the words used throughout whisk-sync. */
export const PROPERTIES = ['Mutual exclusion', 'Agreement', 'Validity', 'Termination', 'Fencing'] as const;

export type PropertyName = (typeof PROPERTIES)[number];

/** One sentence per property: what must hold. */
export const PROPERTY_STATEMENTS: Readonly<Record<PropertyName, string>> = {
  'Mutual exclusion':
    'at most one slave holds write permission at any moment; the next grant follows the commit or revocation of the current one',
  Agreement: 'every slave that returns, returns the identical list',
  Validity:
    'every element was drawn by the slave that held the grant for that position; values in 0..1000; no duplicates, no gaps',
  Termination: 'every invoked activation ended, and every activation that started returned',
  Fencing: 'no revoked grant is committed, and no value appended under a revoked grant appears in any list',
};

/** A concrete breach of a property, as found in the history. */
export interface Finding {
  /** What happened, in one line. */
  readonly message: string;
  readonly seq?: number;
  readonly slave?: number;
  readonly position?: number;
  readonly expected?: string;
  readonly seen?: string;
}

/** A {@link Finding} placed in its run and property. */
export interface Violation extends Finding {
  readonly runId: string;
  readonly property: PropertyName;
}

export interface PropertyResult {
  readonly property: PropertyName;
  readonly statement: string;
  /** No violation found; with {@link notJudged} set, because nothing could be judged. */
  readonly passed: boolean;
  readonly violations: readonly Violation[];
  /**
   * Set when the events the property is judged from died with a killed activation (the leader's):
   * what happened is unknown, not wrong, so the property counts as passed and says why it was not judged.
   */
  readonly notJudged?: string;
}

/** Size of a run as the history shows it. */
export interface RunSummary {
  /** Distinct slave ids seen in the run. */
  readonly slaves: number;
  readonly grants: number;
  readonly commits: number;
  readonly revokes: number;
  /** Milliseconds from the first to the last event. */
  readonly durationMs: number;
}

export interface RunReport {
  readonly runId: string;
  readonly passed: boolean;
  readonly summary: RunSummary;
  readonly properties: readonly PropertyResult[];
}

/** What {@link checkHistory} found: one report per run id in the history. */
export interface CheckReport {
  /** True when every property holds in every run. */
  readonly passed: boolean;
  readonly events: number;
  readonly runs: readonly RunReport[];
}
