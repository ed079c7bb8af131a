/** Lists what a run left on the broker, through `rabbitmqctl` (so the check does not rely on AMQP). */
import { belongsToRun, runNames } from '../broker/names.js';
import { brokerCli } from './rabbitmqctl.js';

export interface RunResources {
  readonly queues: string[];
  readonly exchanges: string[];
}

/** What a run that ended leaves on the broker: its end record alone, until the record expires. */
export function onlyEndRecord(runId: string): RunResources {
  return { queues: [runNames(runId).endRecord], exchanges: [] };
}

/** The queues and exchanges of run `runId` that exist on the local broker right now. */
export async function listRunResources(runId: string): Promise<RunResources> {
  const [resources] = await listRunsResources([runId]);
  return resources ?? { queues: [], exchanges: [] };
}

/** {@link listRunResources} for several runs with one listing, in the order of `runIds`. */
export async function listRunsResources(runIds: readonly string[]): Promise<RunResources[]> {
  const [queues, exchanges] = await Promise.all([names('list_queues'), names('list_exchanges')]);
  return runIds.map((runId) => ({
    queues: queues.filter((q) => belongsToRun(q, runId)),
    exchanges: exchanges.filter((e) => belongsToRun(e, runId)),
  }));
}

async function names(command: 'list_queues' | 'list_exchanges'): Promise<string[]> {
  const stdout = await brokerCli('rabbitmqctl', ['-q', command, 'name']);
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'name');
}

/** Polls until run `runId` has nothing left on the broker (e.g. after its `x-expires`); returns what is left. */
export async function waitUntilGone(runId: string, timeoutMs = 30_000): Promise<RunResources> {
  const stopAt = Date.now() + timeoutMs;
  let left = await listRunResources(runId);
  while (left.queues.length + left.exchanges.length > 0 && Date.now() < stopAt) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    left = await listRunResources(runId);
  }
  return left;
}
