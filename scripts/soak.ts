// `npm run soak -- --rounds R --seed S`: a seeded fault soak of whole rounds; see src/soak/cli.ts.
import { run } from '../src/soak/cli.js';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) return; // the soak is already cleaning up; it restores the broker first
  process.stderr.write('\nsoak: interrupted; stopping the round under way and cleaning up\n');
  controller.abort();
});
void run(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
