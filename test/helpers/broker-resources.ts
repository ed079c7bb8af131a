/** Lists what a run left on the broker, through `rabbitmqctl` (so the check does not rely on AMQP). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { belongsToRun, runNames } from '../../src/broker/names.js';

const run = promisify(execFile);

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
  const [queues, exchanges] = await Promise.all([names('list_queues'), names('list_exchanges')]);
  return {
    queues: queues.filter((q) => belongsToRun(q, runId)),
    exchanges: exchanges.filter((e) => belongsToRun(e, runId)),
  };
}

async function names(command: 'list_queues' | 'list_exchanges'): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', command, 'name'], { timeout: 30_000 });
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
