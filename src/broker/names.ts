import type { Target } from '../protocol/messages.js';

/** Every queue and exchange of whisk-sync starts with this prefix, then the run id. */
export const NAME_PREFIX = 'wsync';

/** The names of one run's queues and exchange; all derive from the run id, so runs never collide. */
export interface RunNames {
  /** Queue the leader consumes: requests, appends, abandons. Declared by every party. */
  readonly leaderQueue: string;
  /** Fanout exchange of the leader's log (batches, heartbeats, end). Declared by every party. */
  readonly logExchange: string;
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
    leaderQueue: `${base}.leader`,
    logExchange: `${base}.log`,
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
