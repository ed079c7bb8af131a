import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Longest wait for one `rabbitmqctl` or `rabbitmq-plugins` call (they start an Erlang VM each). */
export const BROKER_CLI_TIMEOUT_MS = 60_000;

/** Runs a RabbitMQ command line tool on the local broker node and returns its stdout. */
export async function brokerCli(
  tool: 'rabbitmqctl' | 'rabbitmq-plugins',
  args: readonly string[],
): Promise<string> {
  const { stdout } = await exec(tool, [...args], { timeout: BROKER_CLI_TIMEOUT_MS });
  return stdout;
}
