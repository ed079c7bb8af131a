// `whisk-sync soak` (`npm run soak` in a clone): a seeded fault soak of whole rounds; see src/soak/cli.ts.
import { run } from '../soak/cli.js';
import type { Command } from './command.js';

export const soak: Command = {
  name: 'soak',
  summary: 'run seeded rounds under injected faults and judge each one (needs rabbitmqctl)',
  interruptible: true,
  run: (argv, env, io) => run(argv, env, io),
};
