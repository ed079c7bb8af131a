import { halfwayTo, msUntil, wallClockMs, type Deadline } from '../protocol/deadline.js';
import type { Message, Send } from '../protocol/messages.js';
import { BrokerError, reasonOf, within } from './errors.js';
import { RunConflictError } from './run-conflict.js';
import { WakeTimer } from './wake-timer.js';

/**
 * Longest wait for the broker to confirm a finished party's last messages, however far its deadline:
 * a broker that takes longer is blocking publishers, and the party had better say so.
 */
export const CONFIRM_CAP_MS = 5000;

/** The part of a protocol machine the shell runs; both the leader and the slave machine fit. */
export interface DrivenMachine {
  receive(message: Message, now: number): Send[];
  drop(reason: string, now: number): void;
  tick(now: number): Send[] | undefined;
  readonly wakeAt: number | undefined;
  /** The shell saw the leader alive by other means than its messages (a slave's silence timer). */
  leaderAlive?(now: number): void;
}

/** What a {@link MachinePort} reports to the shell. */
export interface PortListener {
  /** A verified message for this party. */
  receive(message: Message): void;
  /** A delivery that could not be read (unsigned, forged, malformed, foreign), with the reason. */
  drop(reason: string): void;
  /** The port broke (its channel, connection or consumer is gone); reported once. */
  fail(error: BrokerError): void;
  /** The port saw the leader alive by other means than its messages (its consumer on its queue). */
  leaderAlive?(): void;
}

/**
 * Where a driven machine's messages come from and its publishes go: a queue of its own
 * (`queuePort`, the leader) or a place in its process's shared inbox (`RunInbox.port`, a slave).
 */
export interface MachinePort {
  /**
   * Starts reporting to `listener`; resolves once deliveries can arrive, so the party may ask for
   * them (a slave's request).
   * @param by - when opening must have ended, on the one clock
   * @throws {BrokerError} when the port cannot open in time
   */
  open(listener: PortListener, by: number): Promise<void>;
  /**
   * Signs and publishes `sends` in order.
   * @param confirmed - called once per message, with an error if the broker refused it
   */
  publish(sends: readonly Send[], confirmed: (error: BrokerError | undefined) => void): void;
  /**
   * Stops deliveries and releases what `open` took, waiting for the broker at most until `by` (not at
   * all when `by` has passed, as after a failure). Never rejects.
   */
  close(by: number): Promise<void>;
}

/** How a shell drives one machine, whatever its port; shared by the leader and the slave. */
export interface ShellOptions {
  readonly machine: DrivenMachine;
  /** Messages to publish once the party can receive (a slave's request, the leader's first beat). */
  readonly initial: () => readonly Send[];
  readonly isDone: () => boolean;
  /**
   * The activation's deadline: opening waits until `stopWaitingAt`; the last confirms and closing the
   * port share the time left before `finishBy`, leaving some for the caller's cleanup.
   */
  readonly deadline: Deadline;
  /**
   * Called once when the shell is ready (its port open, the initial messages published), with `feed`:
   * `feed(input)` runs `input` through the same step as a delivery — publishes what it returns,
   * re-arms the wake timer, finishes when the machine is done. A feed after the end is ignored.
   * For inputs that come from outside deliveries and timers (e.g. a user's callback finishing).
   */
  readonly attach?: (feed: (input: () => readonly Send[] | undefined) => void) => void;
  /**
   * Runs once the machine is done and its last messages are confirmed, while the party still holds
   * its port; a rejection fails the shell. For what must be done before the port lets go (the leader
   * writes the run's end record while its exclusive consumer still keeps any other leader out).
   */
  readonly beforeClose?: () => Promise<void>;
}

/** Everything {@link drive} needs. */
export interface DriveOptions extends ShellOptions {
  readonly port: MachinePort;
}

type State = 'opening' | 'running' | 'finishing' | 'settled';

/**
 * The imperative shell around a protocol machine: feeds it every delivery of its port (verified, or
 * as a counted drop), publishes what it asks for in order through the port, keeps one timer at the
 * machine's `wakeAt` (all times on `wallClockMs`), and accepts outside inputs through `attach`.
 *
 * Resolves once the machine is done, its own publishes are confirmed and the port is closed. Rejects
 * with a {@link BrokerError} when the port fails or cannot open, a publish is refused, or the last
 * confirms do not come by the deadline; with the thrown error when the machine or an input throws.
 * Never waits past `deadline.finishBy`.
 */
export function drive(options: DriveOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { machine, port, deadline } = options;
    const wake = new WakeTimer(() => {
      step(() => machine.tick(wallClockMs()));
    }, wallClockMs);
    let state: State = 'opening';
    // Deliveries that came before the initial messages went out: the machine starts first.
    const early: (() => void)[] = [];
    let unconfirmed = 0;
    let onAllConfirmed: (() => void) | undefined;

    function fail(error: Error): void {
      if (state === 'settled') return;
      state = 'settled';
      wake.stop();
      // Ends a confirm wait at once; `finish` sees the failure.
      onAllConfirmed?.();
      void port.close(wallClockMs());
      reject(error);
    }

    function confirmed(error: BrokerError | undefined): void {
      unconfirmed -= 1;
      if (error !== undefined) fail(error);
      else if (unconfirmed === 0) onAllConfirmed?.();
    }

    function publish(sends: readonly Send[] | undefined): void {
      if (sends === undefined || sends.length === 0) return;
      unconfirmed += sends.length;
      port.publish(sends, confirmed);
    }

    function step(input: () => readonly Send[] | undefined): void {
      if (state !== 'running') return;
      try {
        publish(input());
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (options.isDone()) void finish();
      else wake.set(machine.wakeAt);
    }

    async function finish(): Promise<void> {
      state = 'finishing';
      wake.stop();
      const allConfirmed = new Promise<void>((done) => {
        if (unconfirmed === 0) done();
        else onAllConfirmed = done;
      });
      const waitMs = msUntil(halfwayTo(deadline.finishBy, CONFIRM_CAP_MS));
      try {
        // The append or the end must have reached its queues before the party reports success.
        await within(allConfirmed, waitMs, 'confirming');
      } catch {
        fail(new BrokerError(`the broker did not confirm the last messages within ${Math.round(waitMs)} ms`));
        return;
      }
      // A refused confirm may have failed the shell meanwhile.
      if (isSettled()) return;
      if (options.beforeClose !== undefined) {
        try {
          await options.beforeClose();
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (isSettled()) return;
      }
      state = 'settled';
      await port.close(halfwayTo(deadline.finishBy));
      resolve();
    }

    function isSettled(): boolean {
      return state === 'settled';
    }

    function whenRunning(deliver: () => void): void {
      if (state === 'opening') early.push(deliver);
      else if (state === 'running') deliver();
    }

    const listener: PortListener = {
      receive: (message) => {
        whenRunning(() => {
          step(() => machine.receive(message, wallClockMs()));
        });
      },
      drop: (reason) => {
        whenRunning(() => {
          machine.drop(reason, wallClockMs());
        });
      },
      fail,
      leaderAlive: () => {
        whenRunning(() => {
          step(() => {
            machine.leaderAlive?.(wallClockMs());
            return [];
          });
        });
      },
    };

    port.open(listener, deadline.stopWaitingAt).then(
      () => {
        if (state !== 'opening') return;
        state = 'running';
        step(options.initial);
        for (const deliver of early.splice(0)) deliver();
        options.attach?.((input) => {
          step(input);
        });
      },
      (error: unknown) => {
        // A conflict found while opening (the run already ended) is the party's answer, not a fault.
        const known = error instanceof BrokerError || error instanceof RunConflictError;
        fail(known ? error : new BrokerError(reasonOf(error), { cause: error }));
      },
    );
  });
}
