/**
 * The one timer a driver keeps at its machine's `wakeAt` (lease expiry, leader silence, heartbeat,
 * give-up time). Most deliveries leave that time as it was, so the armed timer is kept rather than
 * cleared and re-created on every message.
 */
export class WakeTimer {
  #timer: NodeJS.Timeout | undefined;
  #at: number | undefined;

  /**
   * @param onWake - called when the time has come, after pending I/O callbacks: after a stall (a loaded
   *   machine) queued messages must count before a silence or lease check judges the other side gone
   * @param now - the clock `wakeAt` is measured on (epoch milliseconds)
   */
  constructor(
    private readonly onWake: () => void,
    private readonly now: () => number,
  ) {}

  /** Arms the timer for `at`, or disarms it when `at` is undefined; the same time keeps the armed timer. */
  set(at: number | undefined): void {
    if (at === this.#at) return;
    this.stop();
    if (at === undefined) return;
    this.#at = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#at = undefined;
        setImmediate(this.onWake);
      },
      Math.max(0, Math.ceil(at - this.now())),
    );
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = undefined;
  }
}
