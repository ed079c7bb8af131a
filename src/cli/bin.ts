#!/usr/bin/env node
// The `whisk-sync` command (package.json `bin`); in a clone, the npm scripts run this file through tsx.
import { findCommand } from './commands.js';
import { main } from './main.js';
import { watchLauncher } from './launcher.js';

const argv = process.argv.slice(2);
const stop = new AbortController();
const command = findCommand(argv[0]);

// A command that stops cleanly gets SIGINT and SIGTERM as an abort; a second signal ends it at once.
// Other commands keep Node's default: the signal ends them.
if (command?.interruptible === true) {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  watchLauncher(process.env, () => {
    onSignal('SIGTERM');
  });
}

const code = await main(argv, process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
});
// An interrupted command has released what it owns; whatever it left pending must not keep it alive.
if (stop.signal.aborted) process.exit(code);
process.exitCode = code;
