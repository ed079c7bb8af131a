/**
 * The one timer a driver keeps at its machine's `wakeAt` (lease expiry, leader silence, renewal,
 * heartbeat, give-up time).
 *
 * `set` runs after every message, on the path from one handoff to the next, and most messages move
 * the time later (a slave hears the leader: its silence limit moves on) or back and forth within one
 * turn (a grant asks for a renewal; the append that follows at once no longer does). So the timer is
 * never re-created for a later time: one armed for an earlier time is kept and re-arms itself for the
 * rest when it fires. A time earlier than the armed one is armed after the current turn's I/O, once
 * for all the changes of that turn; the delay is far below a timer's millisecond resolution.
 */
export class WakeTimer {
  #timer: NodeJS.Timeout | undefined;
  /** The time the armed timer was armed for; at or before {@link #at} once the turn's changes are applied. */
  #armedAt: number | undefined;
  /** When `onWake` is wanted. */
  #at: number | undefined;
  #adjusting: NodeJS.Immediate | undefined;

  /**
   * @param onWake - called when the time has come, after pending I/O callbacks: after a stall (a loaded
   *   machine) queued messages must count before a silence or lease check judges the other side gone
   * @param now - the clock `wakeAt` is measured on (epoch milliseconds)
   */
  constructor(
    private readonly onWake: () => void,
    private readonly now: () => number,
  ) {}

  /** Wants `onWake` at `at`, or not at all when `at` is undefined. */
  set(at: number | undefined): void {
    if (at === undefined) {
      this.stop();
      return;
    }
    this.#at = at;
    if (this.#armedAt !== undefined && this.#armedAt <= at) return;
    this.#adjusting ??= setImmediate(this.adjust);
  }

  stop(): void {
    this.#at = undefined;
    clearImmediate(this.#adjusting);
    this.#adjusting = undefined;
    this.disarm();
  }

  /** Applies the turn's changes: arms for an earlier time than the armed timer's. */
  private readonly adjust = (): void => {
    this.#adjusting = undefined;
    const at = this.#at;
    if (at === undefined || (this.#armedAt !== undefined && this.#armedAt <= at)) return;
    this.disarm();
    this.arm(at);
  };

  private arm(at: number): void {
    this.#armedAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#armedAt = undefined;
        this.fired();
      },
      Math.max(0, Math.ceil(at - this.now())),
    );
  }

  private fired(): void {
    const at = this.#at;
    if (at === undefined) return;
    // Armed for an earlier time than is now wanted: wait for the rest.
    if (this.now() < at) {
      this.arm(at);
      return;
    }
    this.#at = undefined;
    setImmediate(this.onWake);
  }

  private disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = undefined;
  }
}
