import type { Message, Send } from '../protocol/messages.js';
import { CONFIRM_MS, type MachineDriving } from './driver.js';
import { BrokerError, reasonOf } from './errors.js';
import type { InboxMember, RunInbox } from './run-inbox.js';
import { WakeTimer } from './wake-timer.js';

/** Everything {@link driveInInbox} needs. */
export interface DriveInInboxOptions extends MachineDriving {
  readonly inbox: RunInbox;
  /** Slave id and activation nonce that direct messages name. */
  readonly slave: number;
  readonly nonce: string;
  /**
   * Deliveries charged to this activation, dropped ones included, counted as they come (so the count
   * survives a failure), when given.
   */
  readonly counts?: { received: number };
}

/**
 * Drives one slave machine on its process's shared {@link RunInbox}: receives what the inbox
 * dispatches to it, publishes what the machine asks for on the inbox's channel, and keeps one timer at
 * the machine's `wakeAt`.
 *
 * Resolves once the machine is done and its own publishes are confirmed; rejects with a
 * {@link BrokerError} if the inbox fails or a publish is refused. The machine owns every deadline,
 * so this never waits past it.
 */
export function driveInInbox(options: DriveInInboxOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { inbox, machine, now } = options;
    const wake = new WakeTimer(() => {
      step(() => machine.tick(now()));
    }, now);
    let settled = false;
    let finishing = false;
    let unconfirmed = 0;
    let confirmTimer: NodeJS.Timeout | undefined;

    const member: InboxMember = {
      slave: options.slave,
      nonce: options.nonce,
      receive: (message: Message, charged: boolean) => {
        count(charged);
        step(() => machine.receive(message, now()));
      },
      drop: (reason: string, charged: boolean) => {
        count(charged);
        if (!finishing) machine.drop(reason, now());
      },
      fail,
    };

    function count(charged: boolean): void {
      if (charged && options.counts !== undefined) options.counts.received += 1;
    }

    function fail(error: BrokerError): void {
      if (settled) return;
      settled = true;
      stop();
      reject(error);
    }

    function stop(): void {
      wake.stop();
      clearTimeout(confirmTimer);
      inbox.remove(member);
    }

    function confirmed(error: BrokerError | undefined): void {
      unconfirmed -= 1;
      if (error !== undefined) fail(error);
      else settleIfConfirmed();
    }

    function settleIfConfirmed(): void {
      if (settled || !finishing || unconfirmed > 0) return;
      settled = true;
      stop();
      resolve();
    }

    function finishIfDone(): void {
      if (finishing || settled || !options.isDone()) return;
      finishing = true;
      wake.stop();
      // Stop deliveries to this machine, then make sure its last publish (the append) reached its queues.
      inbox.remove(member);
      confirmTimer = setTimeout(() => {
        fail(new BrokerError(`the broker did not confirm the last messages within ${CONFIRM_MS} ms`));
      }, CONFIRM_MS);
      settleIfConfirmed();
    }

    function publish(sends: readonly Send[] | undefined): void {
      if (sends === undefined || sends.length === 0) return;
      unconfirmed += sends.length;
      inbox.publish(sends, confirmed);
    }

    function schedule(): void {
      if (settled || finishing) wake.stop();
      else wake.set(machine.wakeAt);
    }

    function step(input: () => readonly Send[] | undefined): void {
      if (settled || finishing) return;
      try {
        publish(input());
      } catch (error) {
        fail(new BrokerError(`could not publish: ${reasonOf(error)}`, { cause: error }));
        return;
      }
      schedule();
      finishIfDone();
    }

    inbox.add(member);
    step(options.initial);
    options.attach?.(step);
  });
}
