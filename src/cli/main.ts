import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../package-root.cjs';
import { EXIT_OK, EXIT_USAGE, type CommandEnv, type CommandIo } from './command.js';
import { COMMANDS, findCommand } from './commands.js';

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return [
    'usage: whisk-sync <command> [arguments]',
    '       npm run <command> -- [arguments]   (in a clone of the repository)',
    '',
    'Mutual exclusion and one agreed list for Apache OpenWhisk actions over RabbitMQ.',
    '',
    'commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    'whisk-sync <command> --help lists the options of a command, each with its default and range.',
    'exit status: 0 ok, 1 failed, 2 usage error',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** `whisk-sync <command> [arguments]`: runs the subcommand and resolves to its exit status. */
export async function main(argv: readonly string[], env: CommandEnv, io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = findCommand(name);
  if (command !== undefined) return command.run(rest, env, io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${overview()}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const names = COMMANDS.map((c) => c.name).join(', ');
  io.stderr.write(`whisk-sync: unknown command '${name}' (commands: ${names}; see whisk-sync --help)\n`);
  return EXIT_USAGE;
}
