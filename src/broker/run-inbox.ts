import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { activationNonce } from '../protocol/credentials.js';
import { decode } from '../protocol/codec.js';
import type { Message, Send } from '../protocol/messages.js';
import { cleanUp } from './cleanup.js';
import { openChannel } from './connection.js';
import { AckBatcher } from './ack-batcher.js';
import { publishSigned, watchChannel } from './channel-io.js';
import { BrokerError, reasonOf, within } from './errors.js';
import { runNames, type RunNames } from './names.js';
import { declareInbox, declareRunTopology } from './topology.js';

/** Unacknowledged deliveries the broker may push ahead into one shared inbox. */
export const RUN_INBOX_PREFETCH = 256;

/**
 * One local slave activation served by a {@link RunInbox}. `charged` is true for exactly one member
 * per delivery (the addressee of a direct message, else the longest-standing member), so the members'
 * delivery counts add up to the inbox's.
 */
export interface InboxMember {
  readonly slave: number;
  readonly nonce: string;
  receive(message: Message, charged: boolean): void;
  drop(reason: string, charged: boolean): void;
  fail(error: BrokerError): void;
}

/** Identifies the run an inbox serves; only activations with the same key share one. */
export interface RunInboxKey {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  readonly expiresMs: number;
}

/** Open inboxes of this process, by run; an inbox leaves when its last member leaves or it fails. */
const inboxes = new Map<string, Promise<RunInbox>>();

/**
 * The inbox shared by every slave activation of one run in this process (an OpenWhisk container
 * running several activations at once): one queue bound once to the run's log exchange, one consumer,
 * one channel for every member's publishes. Each delivery is verified and decoded once, then handed
 * to every member (log, end, append) or to the one member its `slave` and `nonce` name (welcome,
 * grant, revoke). Deliveries per run drop from about N² to N × processes.
 *
 * The leader's messages come from its one channel into this one queue, so every member sees them in
 * the leader's order, as it would in an inbox of its own.
 */
export class RunInbox {
  /** The id slaves put in their requests (`box`); the queue is `names.sharedInbox(box)`. */
  readonly box = activationNonce();
  readonly queue: string;
  /** Deliveries for an activation not hosted here (e.g. one that already returned); counted once each. */
  strays = 0;
  private readonly members = new Map<string, InboxMember>();
  private consumerTag: string | undefined;
  private failure: BrokerError | undefined;
  private closed = false;
  private readonly acks: AckBatcher;
  /** Stops listening for the channel's and the connection's failures. */
  private readonly unwatch: () => void;

  private constructor(
    readonly key: RunInboxKey,
    readonly names: RunNames,
    readonly channel: ConfirmChannel,
    connection: ChannelModel,
    private readonly onRetire: () => void,
  ) {
    this.acks = new AckBatcher(channel, RUN_INBOX_PREFETCH);
    this.queue = this.names.sharedInbox(this.box);
    this.unwatch = watchChannel(channel, connection, (error) => {
      this.fail(error);
    });
  }

  /**
   * Joins this process's inbox of the run, opening it (declare, bind, consume) when there is none.
   * Every successful join must be paired with one {@link leave}.
   *
   * @param waitMs - longest time to wait for the connection and the declarations
   * @throws {BrokerError} when the inbox cannot be opened in time
   */
  static async join(key: RunInboxKey, waitMs: number): Promise<RunInbox> {
    const stopAt = Date.now() + waitMs;
    for (;;) {
      const id = registryKey(key);
      let ready = inboxes.get(id);
      if (ready === undefined) {
        const forget = () => {
          if (inboxes.get(id) === opening) inboxes.delete(id);
        };
        const opening = RunInbox.open(key, waitMs, forget);
        ready = opening;
        inboxes.set(id, opening);
        opening.catch(forget);
      }
      let inbox: RunInbox;
      try {
        inbox = await within(ready, stopAt - Date.now(), 'opening the run inbox');
      } catch (error) {
        // Opened after this activation gave up with no one else waiting: close it, or it lingers.
        ready.then(
          (late) => {
            if (late.refs === 0 && !late.retired) void late.leave(2000);
          },
          () => undefined,
        );
        throw error instanceof BrokerError
          ? error
          : new BrokerError(`could not open the run inbox: ${reasonOf(error)}`, { cause: error });
      }
      // Its last member may have left while this one waited: then open a fresh one.
      if (!inbox.retired) {
        inbox.refs += 1;
        return inbox;
      }
    }
  }

  /**
   * Leaves the inbox; the last member to leave stops the consumer and deletes the queue (best effort
   * within `cleanupMs`; after a crash `x-expires` removes it). A later activation opens a new one.
   */
  async leave(cleanupMs: number): Promise<void> {
    this.refs = Math.max(0, this.refs - 1);
    if (this.refs > 0) return;
    this.retire();
    await this.close(cleanupMs);
  }

  /** Members that joined and have not left. */
  private refs = 0;
  /** No longer handed to new members (closing or failed). */
  private retired = false;

  private retire(): void {
    this.retired = true;
    this.onRetire();
  }

  /** Starts dispatching to `member`; call before it publishes its request. */
  add(member: InboxMember): void {
    if (this.failure !== undefined) {
      member.fail(this.failure);
      return;
    }
    this.members.set(memberKey(member.slave, member.nonce), member);
  }

  /** Stops dispatching to `member` (it is done). */
  remove(member: InboxMember): void {
    const key = memberKey(member.slave, member.nonce);
    if (this.members.get(key) === member) this.members.delete(key);
  }

  /**
   * Publishes on the inbox's confirm channel, in order.
   * @param confirmed - called once per message, with an error if the broker refused it
   */
  publish(sends: readonly Send[], confirmed: (error: BrokerError | undefined) => void): void {
    publishSigned(this.channel, this.names, this.key.signingKey, sends, confirmed);
  }

  private static async open(key: RunInboxKey, waitMs: number, onRetire: () => void): Promise<RunInbox> {
    const opened = await openChannel(key.amqpUrl, waitMs);
    const { connection } = opened;
    const names = runNames(key.runId);
    let channel = opened.channel;
    try {
      channel = await within(
        declareRunTopology(connection, channel, names, key.expiresMs),
        waitMs,
        "declaring the run's topology",
      );
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw new BrokerError(`could not declare the run's topology: ${reasonOf(error)}`, { cause: error });
    }
    const inbox = new RunInbox(key, names, channel, connection, onRetire);
    try {
      const subscribe = async () => {
        await declareInbox(channel, inbox.names, inbox.queue, key.expiresMs);
        await channel.prefetch(RUN_INBOX_PREFETCH);
        return channel.consume(inbox.queue, inbox.onDelivery, { noAck: false });
      };
      const reply = await within(subscribe(), waitMs, `subscribing to ${inbox.queue}`);
      inbox.consumerTag = reply.consumerTag;
    } catch (error) {
      inbox.detach();
      await cleanUp(channel, { queues: [inbox.queue], exchanges: [] }, 2000);
      throw new BrokerError(`could not open the run inbox ${inbox.queue}: ${reasonOf(error)}`, {
        cause: error,
      });
    }
    return inbox;
  }

  private readonly onDelivery = (delivery: ConsumeMessage | null): void => {
    if (delivery === null) {
      this.fail(new BrokerError(`the broker cancelled the consumer of ${this.queue} (queue deleted?)`));
      return;
    }
    this.acks.add(delivery);
    const decoded = decode(delivery.content, this.key.signingKey, this.key.runId);
    if ('drop' in decoded) {
      // Unreadable: it may have been a broadcast, so every member hears of it.
      this.forEachMember((member, charged) => {
        member.drop(decoded.drop, charged);
      });
      return;
    }
    const message = decoded.message;
    if (message.k === 'welcome' || message.k === 'grant' || message.k === 'revoke') {
      const member = this.members.get(memberKey(message.slave, message.nonce));
      if (member === undefined) this.strays += 1;
      else member.receive(message, true);
      return;
    }
    this.forEachMember((member, charged) => {
      member.receive(message, charged);
    });
  };

  private forEachMember(visit: (member: InboxMember, charged: boolean) => void): void {
    let first = true;
    // A copy: a member that finishes on this message leaves the map while we iterate.
    for (const member of [...this.members.values()]) {
      visit(member, first);
      first = false;
    }
    if (first) this.strays += 1;
  }

  /** Fails every member; the inbox leaves the registry so a later activation opens a fresh one. */
  private fail(error: BrokerError): void {
    if (this.failure !== undefined || this.closed) return;
    this.failure = error;
    this.detach();
    this.retire();
    for (const member of [...this.members.values()]) member.fail(error);
    this.members.clear();
  }

  private detach(): void {
    this.acks.stop();
    this.unwatch();
  }

  private async close(cleanupMs: number): Promise<void> {
    if (this.closed) return;
    this.acks.flush();
    this.closed = true;
    this.detach();
    if (this.failure === undefined && this.consumerTag !== undefined) {
      const tag = this.consumerTag;
      try {
        // Members waited for their own confirms; this only stops deliveries before the delete.
        await within(this.channel.cancel(tag), Math.min(cleanupMs, 2000), 'stopping the run inbox');
      } catch {
        // The delete below removes the consumer with its queue.
      }
    }
    await cleanUp(this.channel, { queues: [this.queue], exchanges: [] }, cleanupMs);
  }
}

function registryKey(key: RunInboxKey): string {
  return `${key.amqpUrl}\n${key.runId}\n${key.signingKey}`;
}

function memberKey(slave: number, nonce: string): string {
  return `${slave}.${nonce}`;
}
