import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { activationNonce } from '../protocol/credentials.js';
import { decode } from '../protocol/codec.js';
import { checkClockTime, halfwayTo, msUntil, wallClockMs } from '../protocol/deadline.js';
import { AppendLedger } from '../protocol/append-ledger.js';
import { memoizedListDigest } from '../protocol/list-digest.js';
import {
  activationKey,
  type EndMessage,
  type Entry,
  type FromLeader,
  type Message,
} from '../protocol/messages.js';
import { cleanUp } from './cleanup.js';
import { confirmChannel, openChannel } from './connection.js';
import { AckBatcher } from './ack-batcher.js';
import { publishSigned, watchChannel } from './channel-io.js';
import type { MachinePort } from './driver.js';
import { BrokerError, reasonOf, settleBy } from './errors.js';
import { runNames, type RunNames } from './names.js';
import { BoxList } from './box-list.js';
import { readEndRecord, type EndRecordAccess } from './end-record.js';
import { RunConflictError } from './run-conflict.js';
import { declareInbox, joinRunTopology } from './topology.js';

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
  /** A delivery charged to this member that it need not handle (an append the inbox recorded). */
  tally(): void;
  fail(error: BrokerError): void;
  /** The leader was seen consuming its queue: alive, even if it has not answered this member yet. */
  leaderAlive?(): void;
}

/** Which activation a {@link RunInbox.port} serves. */
export interface InboxPortOptions {
  /** Slave id and activation nonce that direct messages name. */
  readonly slave: number;
  readonly nonce: string;
  /**
   * When given: deliveries charged to this activation, dropped ones included, counted as they come (so
   * the count survives a failure); and, once the port closes, other activations' appends the inbox
   * recorded while this one was served.
   */
  readonly counts?: { received: number; appendsSeen: number };
}

/** Identifies the run an inbox serves; only activations with the same key share one. */
export interface RunInboxKey {
  readonly amqpUrl: string;
  readonly runId: string;
  readonly signingKey: string;
  readonly expiresMs: number;
}

/**
 * How often an inbox with a member not yet welcomed checks the leader's queue: often enough to keep
 * it from expiring while no leader consumes it (a passive declare counts as use), and to notice at
 * once when the leader has ended the run and deleted it.
 */
export function leaderProbeMs(expiresMs: number): number {
  return Math.max(100, Math.min(1000, Math.floor(expiresMs / 3)));
}

/** Open inboxes of this process, by run; an inbox leaves when its last member leaves or it fails. */
const inboxes = new Map<string, Promise<RunInbox>>();

/**
 * The inbox shared by every slave activation of one run in this process (an OpenWhisk container
 * running several activations at once): one queue bound once to the run's log exchange, one consumer
 * on a channel that never publishes. Each member publishes on a channel of its own, so a publish the
 * broker refuses (an append after the leader deleted the log exchange: 404 closes the channel) fails
 * that member only; only a failure of the inbox itself (its channel, consumer or connection) fails
 * them all. Each delivery is verified and decoded once, then handed to every member (log, end) or to
 * the one member its `slave` and `nonce` name (welcome, grant, revoke). Deliveries per run drop from
 * about N² to N × processes.
 *
 * A fanned-out append goes to no member: the inbox records it once in its {@link AppendLedger}, which
 * checks it against the leader's commit of its seq, and a disagreement is recorded as a drop with
 * every member. So an append costs one check per process, not one per activation, while every
 * member's list still comes from the leader's signed log alone.
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
  /** Members the leader has answered (a welcome was dispatched to them). */
  private readonly welcomed = new Set<string>();
  /** The list as this inbox has received it, to complete welcomes that start past 0. */
  private readonly list = new BoxList();
  /** The run's fanned-out appends, each checked once for every member. */
  private readonly ledger = new AppendLedger();
  /**
   * The digest members check the leader's end against: their lists hold the same entry objects, so
   * the list is hashed once per inbox.
   */
  readonly listDigest: (entries: readonly Entry[]) => string = memoizedListDigest();
  /** The run's sealed end once known from its end record; every member, even a later one, gets it. */
  private ended: EndMessage | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly acks: AckBatcher;
  /** Stops listening for the channel's and the connection's failures. */
  private readonly unwatch: () => void;

  private constructor(
    readonly key: RunInboxKey,
    readonly names: RunNames,
    readonly channel: ConfirmChannel,
    private readonly connection: ChannelModel,
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
   * @param by - when the connection and the declarations must be done, on the one clock (`wallClockMs`)
   * @throws {BrokerError} when the inbox cannot be opened in time
   */
  static async join(key: RunInboxKey, by: number): Promise<RunInbox> {
    checkClockTime(by, 'RunInbox.join: by');
    for (;;) {
      const id = registryKey(key);
      let ready = inboxes.get(id);
      if (ready === undefined) {
        const forget = () => {
          if (inboxes.get(id) === opening) inboxes.delete(id);
        };
        const opening = RunInbox.open(key, by, forget);
        ready = opening;
        inboxes.set(id, opening);
        opening.catch(forget);
      }
      let inbox: RunInbox;
      try {
        inbox = await settleBy(ready, by, 'opening the run inbox');
      } catch (error) {
        // Opened after this activation gave up with no one else waiting: close it, or it lingers.
        ready.then(
          (late) => {
            if (late.refs === 0 && !late.retired) void late.leave(wallClockMs() + 2000);
          },
          () => undefined,
        );
        throw error instanceof BrokerError || error instanceof RunConflictError
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
   * by `by`, on the one clock; after a crash `x-expires` removes it). A later activation opens a new one.
   */
  async leave(by: number): Promise<void> {
    checkClockTime(by, 'RunInbox.leave: by');
    this.refs = Math.max(0, this.refs - 1);
    if (this.refs > 0) return;
    this.retire();
    await this.close(by);
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
    this.members.set(activationKey(member.slave, member.nonce), member);
    // The run was over before this member came: the sealed end decides its outcome at once.
    if (this.ended !== undefined) member.receive(this.ended, true);
  }

  /** Stops dispatching to `member` (it is done). */
  remove(member: InboxMember): void {
    const key = activationKey(member.slave, member.nonce);
    if (this.members.get(key) === member) {
      this.members.delete(key);
      this.welcomed.delete(key);
    }
  }

  /**
   * One activation's place in the inbox, for the shell: opening it gives the activation a confirm
   * channel of its own on the inbox's connection and starts dispatching to it; closing it stops both.
   */
  port(options: InboxPortOptions): MachinePort {
    let channel: ConfirmChannel | undefined;
    let unwatch: (() => void) | undefined;
    let member: InboxMember | undefined;
    let appendsBefore = 0;
    const count = (charged: boolean) => {
      if (charged && options.counts !== undefined) options.counts.received += 1;
    };
    return {
      open: async (listener, by) => {
        try {
          channel = await settleBy(confirmChannel(this.connection), by, 'opening a channel');
        } catch (error) {
          throw new BrokerError(`could not open a channel for slave ${options.slave}: ${reasonOf(error)}`, {
            cause: error,
          });
        }
        const fail = (error: BrokerError) => {
          listener.fail(error);
        };
        unwatch = watchChannel(channel, this.connection, fail);
        member = {
          slave: options.slave,
          nonce: options.nonce,
          receive: (message, charged) => {
            count(charged);
            listener.receive(message);
          },
          drop: (reason, charged) => {
            count(charged);
            listener.drop(reason);
          },
          tally: () => {
            count(true);
          },
          fail,
          leaderAlive: () => {
            listener.leaderAlive?.();
          },
        };
        appendsBefore = this.ledger.appends;
        this.add(member);
      },
      publish: (sends, confirmed) => {
        if (channel === undefined) throw new BrokerError('publishing before the inbox port is open');
        publishSigned(channel, this.names, this.key.signingKey, sends, confirmed);
      },
      close: async (by) => {
        if (member !== undefined) {
          this.remove(member);
          if (options.counts !== undefined) {
            options.counts.appendsSeen = this.ledger.othersSince(appendsBefore, options.slave, options.nonce);
          }
        }
        member = undefined;
        unwatch?.();
        unwatch = undefined;
        const own = channel;
        channel = undefined;
        if (own === undefined) return;
        const closing = Promise.resolve().then(() => own.close());
        await settleBy(closing, by, 'closing a channel').catch(() => undefined);
      },
    };
  }

  private static async open(key: RunInboxKey, by: number, onRetire: () => void): Promise<RunInbox> {
    const opened = await openChannel(key.amqpUrl, by);
    const { connection } = opened;
    const names = runNames(key.runId);
    let channel = opened.channel;
    let ended: EndMessage | undefined;
    try {
      const joined = await settleBy(
        joinRunTopology(
          connection,
          channel,
          { names, runId: key.runId, signingKey: key.signingKey },
          key.expiresMs,
        ),
        by,
        "declaring the run's topology",
      );
      channel = joined.channel;
      ended = joined.ended;
    } catch (error) {
      await channel.close().catch(() => undefined);
      if (error instanceof RunConflictError) throw error;
      throw new BrokerError(`could not declare the run's topology: ${reasonOf(error)}`, { cause: error });
    }
    const inbox = new RunInbox(key, names, channel, connection, onRetire);
    if (ended !== undefined) {
      // Nothing to subscribe to: the run is over, and its members learn the outcome from the seal.
      inbox.ended = ended;
      return inbox;
    }
    try {
      const subscribe = async () => {
        await declareInbox(channel, inbox.names, inbox.queue, key.expiresMs);
        await channel.prefetch(RUN_INBOX_PREFETCH);
        return channel.consume(inbox.queue, inbox.onDelivery, { noAck: false });
      };
      const reply = await settleBy(subscribe(), by, `subscribing to ${inbox.queue}`);
      inbox.consumerTag = reply.consumerTag;
      inbox.probeTimer = setInterval(() => {
        void inbox.probeLeader();
      }, leaderProbeMs(key.expiresMs));
      inbox.probeTimer.unref();
      setImmediate(() => void inbox.probeLeader());
    } catch (error) {
      inbox.detach();
      await cleanUp(connection, channel, { queues: [inbox.queue], exchanges: [] }, wallClockMs() + 2000);
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
    if (decoded.message.k === 'append') {
      const drop = this.ledger.append(decoded.message);
      if (drop === undefined) this.chargeOne();
      else {
        this.forEachMember((member, charged) => {
          member.drop(drop, charged);
        });
      }
      return;
    }
    const drops = isFromLeader(decoded.message) ? this.ledger.follow(decoded.message) : [];
    const message = this.list.follow(decoded.message);
    if (message.k === 'welcome' || message.k === 'grant' || message.k === 'revoke') {
      const key = activationKey(message.slave, message.nonce);
      const member = this.members.get(key);
      if (member === undefined) this.strays += 1;
      else {
        if (message.k === 'welcome') this.welcomed.add(key);
        member.receive(message, true);
      }
    } else {
      this.forEachMember((member, charged) => {
        member.receive(message, charged);
      });
    }
    // Appends the leader's commits contradict: every member records the drop, as for a forged message.
    for (const reason of drops) {
      for (const member of [...this.members.values()]) member.drop(reason, false);
    }
  };

  /** Charges a delivery no member handles to the longest-standing member (or counts it a stray). */
  private chargeOne(): void {
    const first = this.members.values().next();
    if (first.done === true) this.strays += 1;
    else first.value.tally();
  }

  private forEachMember(visit: (member: InboxMember, charged: boolean) => void): void {
    let first = true;
    // A copy: a member that finishes on this message leaves the map while we iterate.
    for (const member of [...this.members.values()]) {
      visit(member, first);
      first = false;
    }
    if (first) this.strays += 1;
  }

  /**
   * While a member waits for the leader's answer: checks the leader's queue (keeping it from expiring
   * while no leader consumes it). When the queue is gone the run is over: every member gets the sealed
   * end from the run's end record, or fails if there is none.
   */
  private async probeLeader(): Promise<void> {
    if (this.probing || this.closed || this.failure !== undefined || this.ended !== undefined) return;
    if ([...this.members.keys()].every((key) => this.welcomed.has(key))) return;
    this.probing = true;
    try {
      const channel = await this.connection.createChannel();
      channel.on('error', () => undefined);
      const state = await channel.checkQueue(this.names.leaderQueue).then(
        (ok) => ok,
        () => undefined,
      );
      if (state !== undefined) {
        await channel.close();
        // A consumer is the leader (it consumes exclusively): alive, though busy or not yet answering.
        if (state.consumerCount > 0) {
          for (const [key, member] of [...this.members]) if (!this.welcomed.has(key)) member.leaderAlive?.();
        }
        return;
      }
      const access: EndRecordAccess = {
        names: this.names,
        runId: this.key.runId,
        signingKey: this.key.signingKey,
      };
      const ended = await readEndRecord(this.connection, access);
      if (ended === undefined) {
        this.fail(new BrokerError("the run's leader queue is gone and the run left no end record"));
        return;
      }
      this.ended = ended;
      this.forEachMember((member, charged) => {
        member.receive(ended, charged);
      });
    } catch {
      // The connection failed: the inbox's own watch reports it to every member.
    } finally {
      this.probing = false;
    }
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
    clearInterval(this.probeTimer);
    this.acks.stop();
    this.unwatch();
  }

  private async close(by: number): Promise<void> {
    if (this.closed) return;
    this.acks.flush();
    this.closed = true;
    this.detach();
    if (this.failure === undefined && this.consumerTag !== undefined && msUntil(by) > 0) {
      const cancel = Promise.resolve().then(() => this.channel.cancel(this.consumerTag ?? ''));
      // Members waited for their own confirms; this only stops deliveries before the delete.
      await settleBy(cancel, halfwayTo(by), 'stopping the run inbox').catch(() => undefined);
    }
    // On the inbox's channel, or on a fresh one when a broker error closed it.
    const owned = this.consumerTag === undefined ? [] : [this.queue];
    await cleanUp(this.connection, this.channel, { queues: owned, exchanges: [] }, by);
  }
}

function isFromLeader(m: Message): m is FromLeader {
  return m.k === 'welcome' || m.k === 'grant' || m.k === 'revoke' || m.k === 'log' || m.k === 'end';
}

function registryKey(key: RunInboxKey): string {
  return `${key.amqpUrl}\n${key.runId}\n${key.signingKey}`;
}
