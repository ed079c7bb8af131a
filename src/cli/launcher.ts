/** How often the parent process is looked at. */
const CHECK_INTERVAL_MS = 500;

/**
 * Calls `onGone` once when the process that launched this one has ended, when that launcher is npm
 * (`npm run`, `npx`). npm passes SIGINT and SIGTERM to its child only, which is a shell running the
 * command: the shell ends on the signal and this process, orphaned, would go on running (a server
 * keeps listening). Without npm in between there is nothing to watch: signals arrive directly.
 */
export function watchLauncher(env: Readonly<Record<string, string | undefined>>, onGone: () => void): void {
  if (env.npm_lifecycle_event === undefined && env.npm_command === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, CHECK_INTERVAL_MS);
  timer.unref();
}
