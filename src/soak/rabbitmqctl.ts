import { execFile } from 'node:child_process';

import { SoakError } from './errors.js';

/**
 * Longest wait for one `rabbitmqctl` or `rabbitmq-plugins` call: each starts an Erlang VM, which takes
 * seconds, and far longer on a loaded machine.
 */
export const BROKER_CLI_TIMEOUT_MS = 180_000;

/**
 * Runs a RabbitMQ command line tool on the local broker node and returns its stdout.
 * @throws {SoakError} `BROKER_CLI_FAILED` naming the command and its first error line
 */
export function brokerCli(
  tool: 'rabbitmqctl' | 'rabbitmq-plugins',
  args: readonly string[],
): Promise<string> {
  const command = [tool, ...args].join(' ');
  return new Promise((resolve, reject) => {
    execFile(tool, [...args], { timeout: BROKER_CLI_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error === null) {
        resolve(stdout);
        return;
      }
      const why = error.killed
        ? `no answer within ${BROKER_CLI_TIMEOUT_MS} ms`
        : (stderr.split('\n').find((line) => line.trim() !== '') ?? error.message.split('\n')[0] ?? 'failed');
      reject(new SoakError('BROKER_CLI_FAILED', `${command}: ${why.trim()}`, { cause: error }));
    });
  });
}
