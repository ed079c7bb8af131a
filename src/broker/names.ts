import type { Target } from '../protocol/messages.js';

/** Every queue and exchange of whisk-sync starts with this prefix, then the run id. */
export const NAME_PREFIX = 'wsync';

/** The names of one run's queues and exchange; all derive from the run id, so runs never collide. */
export interface RunNames {
  readonly runId: string;
  /** Queue the leader consumes: requests, appends, abandons. Declared by every party. */
  readonly leaderQueue: string;
  /** Fanout exchange of the leader's log (batches, heartbeats, end). Declared by every party. */
  readonly logExchange: string;
  /**
   * Queue holding the run's sealed end (the whole list), written by the leader as it ends and left to
   * expire: a party that starts after the end reads the outcome there instead of waiting.
   */
  readonly endRecord: string;
  /**
   * Name the log exchange carries as its `alternate-exchange` argument, derived from the key's
   * fingerprint; never declared. The broker refuses (406) a declaration of the exchange by a run
   * with another key, so a reused run id is detected before anything is published.
   */
  keyMark(fingerprint: string): string;
  /** Inbox of one slave activation, bound to the log exchange; declared by that activation only. */
  slaveInbox(slave: number, nonce: string): string;
  /**
   * Inbox shared by the run's slave activations in one process (`box` from their requests), bound to
   * the log exchange; declared and deleted by that process only.
   */
  sharedInbox(box: string): string;
  /** Exchange and routing key a machine's target maps to. */
  destination(target: Target): readonly [exchange: string, routingKey: string];
}

export function runNames(runId: string): RunNames {
  const base = `${NAME_PREFIX}.${runId}`;
  const names: RunNames = {
    runId,
    leaderQueue: `${base}.leader`,
    logExchange: `${base}.log`,
    endRecord: `${base}.end`,
    keyMark: (fingerprint) => `${base}.key.${fingerprint}`,
    slaveInbox: (slave, nonce) => `${base}.slave.${slave}.${nonce}`,
    sharedInbox: (box) => `${base}.inbox.${box}`,
    destination: (target) => {
      if (target.to === 'log') return [names.logExchange, ''];
      if (target.to === 'leader') return ['', names.leaderQueue];
      return [
        '',
        target.box === undefined
          ? names.slaveInbox(target.slave, target.nonce)
          : names.sharedInbox(target.box),
      ];
    },
  };
  return names;
}

/** True for a queue or exchange name that belongs to run `runId`. */
export function belongsToRun(name: string, runId: string): boolean {
  return name.startsWith(`${NAME_PREFIX}.${runId}.`);
}
