import type { CommitEvent, HistoryEvent } from '../../../src/history/event.js';
import { recorderOf } from '../../../src/history/run-view.js';

/** How a simulated run goes. */
export interface SimulateOptions {
  readonly n: number;
  /** Default: `run-sim`. */
  readonly runId?: string;
  /** Seed of the pseudo-random grant order and values. Default: 1. */
  readonly seed?: number;
  /** Slaves that die while holding the grant: the leader revokes them after the lease. */
  readonly killed?: readonly number[];
  /** Slaves paused past their lease: revoked, then they append late (fenced) and return. */
  readonly zombies?: readonly number[];
  /**
   * Slaves whose activation appended and was committed, then was killed (its history dies with it);
   * the client invokes the slave again, and the new activation returns the list.
   */
  readonly killedAfterAppend?: readonly number[];
  /** First time stamp. Default: 1000. */
  readonly t0?: number;
}

/**
 * Builds the history of a correct run the way the parties would record it: the client invokes the
 * leader and the slaves, each slave requests, the leader grants one slave at a time in a random order,
 * the holder appends and the leader commits (or revokes after the lease), then everybody returns.
 */
export function simulateRun(options: SimulateOptions): HistoryEvent[] {
  const runId = options.runId ?? 'run-sim';
  const random = mulberry32(options.seed ?? 1);
  const killed = new Set(options.killed ?? []);
  const zombies = new Set(options.zombies ?? []);
  const leaseMs = 500;
  const events: HistoryEvent[] = [];
  let t = options.t0 ?? 1000;
  const leaderId = `${runId}-leader`;
  const slaveId = (i: number): string => `${runId}-slave-${i}`;

  events.push({ type: 'invoke', actor: 'client', role: 'leader', runId, t, activationId: leaderId });
  for (let i = 0; i < options.n; i++) {
    t += 0.25;
    events.push({
      type: 'invoke',
      actor: 'client',
      role: 'slave',
      slave: i,
      runId,
      t,
      activationId: slaveId(i),
    });
  }
  t += 2;
  events.push({ type: 'start', actor: 'leader', runId, t, activationId: leaderId });
  for (let i = 0; i < options.n; i++) {
    t += 1;
    if (!killed.has(i))
      events.push({ type: 'start', actor: 'slave', slave: i, runId, t, activationId: slaveId(i) });
    t += 0.5;
    if (!killed.has(i))
      events.push({ type: 'request', actor: 'slave', slave: i, runId, t, activationId: slaveId(i) });
  }

  const pending = [...Array(options.n).keys()];
  const commits: CommitEvent[] = [];
  const zombieAppends: HistoryEvent[] = [];
  for (let seq = 0; pending.length > 0; seq++) {
    const slave = pending.splice(Math.floor(random() * pending.length), 1)[0] ?? 0;
    const token = `e1:${seq}`;
    const value = Math.floor(random() * 1001);
    const appendAt = (at: number): HistoryEvent => ({
      type: 'append',
      actor: 'slave',
      seq,
      slave,
      token,
      value,
      runId,
      t: at,
      activationId: slaveId(slave),
    });
    t += 0.5;
    events.push({
      type: 'grant',
      actor: 'leader',
      seq,
      slave,
      token,
      leaseMs,
      runId,
      t,
      activationId: leaderId,
    });
    if (killed.has(slave) || zombies.has(slave)) {
      t += leaseMs;
      events.push({
        type: 'revoke',
        actor: 'leader',
        seq,
        slave,
        token,
        reason: 'lease expired',
        runId,
        t,
        activationId: leaderId,
      });
      if (zombies.has(slave)) zombieAppends.push(appendAt(t + 0.125));
      continue;
    }
    t += 0.25;
    events.push(appendAt(t));
    t += 0.25;
    const commit: CommitEvent = {
      type: 'commit',
      actor: 'leader',
      seq,
      slave,
      token,
      value,
      position: commits.length,
      runId,
      t,
      activationId: leaderId,
    };
    commits.push(commit);
    events.push(commit);
  }
  events.push(...zombieAppends);
  t = Math.max(t, ...zombieAppends.map((e) => e.t));

  const list = commits.map((c) => c.value);
  for (let i = 0; i < options.n; i++) {
    if (killed.has(i)) continue;
    t += 0.5;
    events.push({
      type: 'return',
      actor: 'slave',
      slave: i,
      ok: true,
      list: [...list],
      runId,
      t,
      activationId: slaveId(i),
    });
  }
  t += 0.5;
  events.push({ type: 'return', actor: 'leader', ok: true, list, runId, t, activationId: leaderId });
  t += 0.5;
  events.push({
    type: 'end',
    actor: 'client',
    role: 'leader',
    status: 'success',
    runId,
    t,
    activationId: leaderId,
  });
  const lost = new Set(options.killedAfterAppend ?? []);
  for (let i = 0; i < options.n; i++) {
    t += 0.25;
    const status = killed.has(i) || lost.has(i) ? 'action developer error' : 'success';
    events.push({
      type: 'end',
      actor: 'client',
      role: 'slave',
      slave: i,
      status,
      runId,
      t,
      activationId: slaveId(i),
    });
  }
  for (const slave of lost) {
    const retry = `${slaveId(slave)}-retry`;
    const own = { runId, activationId: retry } as const;
    const at = () => (t += 0.25);
    events.push(
      { ...own, type: 'invoke', actor: 'client', role: 'slave', slave, t: at() },
      { ...own, type: 'start', actor: 'slave', slave, t: at() },
      { ...own, type: 'request', actor: 'slave', slave, t: at() },
      { ...own, type: 'return', actor: 'slave', slave, ok: true, list: [...list], t: at() },
      { ...own, type: 'end', actor: 'client', role: 'slave', slave, status: 'success', t: at() },
    );
  }
  // The killed activations' own events died with them; the client's events about them remain.
  const lostIds = new Set([...lost].map(slaveId));
  const recorded = events.filter(
    (e) => e.actor === 'client' || e.activationId === undefined || !lostIds.has(e.activationId),
  );
  return withSteps(recorded.sort((a, b) => a.t - b.t));
}

/**
 * Numbers each party's events in the order given, as the parties do when they record: `step` is the
 * number of events the same recorder recorded before.
 */
export function withSteps(events: readonly HistoryEvent[]): HistoryEvent[] {
  const counts = new Map<string, number>();
  return events.map((e) => {
    const recorder = recorderOf(e);
    const step = counts.get(recorder) ?? 0;
    counts.set(recorder, step + 1);
    return { ...e, step };
  });
}

/** A small seeded generator, so that every failure can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
