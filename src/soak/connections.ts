/** Closing AMQP connections broker side, as a flaky network or an operator would. */
import { brokerCli } from './rabbitmqctl.js';

/** Name every whisk-sync connection carries (see `socketOptions`): it identifies the OS process. */
export function connectionNameOf(pid: number): string {
  return `whisk-sync pid ${pid}`;
}

/** Closes one connection, named by the broker's connection pid (e.g. `<rabbit@host.1.2.0>`). */
export async function closeConnection(connectionPid: string, reason: string): Promise<void> {
  await brokerCli('rabbitmqctl', ['-q', 'close_connection', connectionPid, reason]);
}

/** Closes (broker side) every AMQP connection opened by OS process `pid`. Returns how many. */
export async function closeConnectionsOf(pid: number): Promise<number> {
  const stdout = await brokerCli('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties']);
  // The name is quoted in the listing; matching the quotes keeps pid 12 from matching pid 112.
  const quoted = `"${connectionNameOf(pid)}"`;
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(quoted))
    .map((line) => line.split('\t')[0] ?? '');
  for (const connection of pids) await closeConnection(connection, 'closed by fault injection');
  return pids.length;
}
