import { bench } from './bench.js';
import { check } from './check.js';
import type { Command } from './command.js';
import { deploy } from './deploy.js';
import { map } from './map.js';
import { serve } from './serve.js';
import { soak } from './soak.js';

/**
 * Every subcommand of `whisk-sync`, in the order `whisk-sync --help` lists them. A new one is a module
 * exporting a {@link Command}, listed here and given an npm script of the same name.
 */
export const COMMANDS: readonly Command[] = [map, serve, deploy, check, bench, soak];

/** The subcommand called `name`, if there is one. */
export function findCommand(name: string | undefined): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
