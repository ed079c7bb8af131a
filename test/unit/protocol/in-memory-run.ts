/**
 * An in-memory stand-in for the broker (a stub, not RabbitMQ) that runs a leader machine and slave
 * machines through the real codec, with a seeded random scheduler that does what RabbitMQ may do:
 * deliver messages of different publishers in different orders in different queues (each publisher's
 * order kept per queue), redeliver messages, and start parties late. It can also inject forged,
 * foreign and replayed messages, and let time pass so leases expire.
 */
import { decode, encode } from '../../../src/protocol/codec.js';
import { LeaderMachine } from '../../../src/protocol/leader-machine.js';
import type { AppendRoute, Send } from '../../../src/protocol/messages.js';
import type { SlaveMachine, SlaveOutcome } from '../../../src/protocol/slave-machine.js';
import { AnsweringSlave } from './answering-slave.js';

export interface SimulationOptions {
  readonly n: number;
  readonly seed: number;
  /** Probability that a delivery is delivered twice. */
  readonly duplicate?: number;
  /** Probability per step that a forged, foreign or replayed message is injected. */
  readonly inject?: number;
  /** Slaves that never start. */
  readonly absent?: readonly number[];
  /** Slaves that stop (as if killed) right after receiving their grant. */
  readonly dieOnGrant?: readonly number[];
  /** Slaves the client abandons at time 3000. */
  readonly abandon?: readonly number[];
  /** The leader's end-by time. Default 1000000. */
  readonly endBy?: number;
  /** The leader's append route. Default: the machine's (`'fanout'`). */
  readonly appendRoute?: AppendRoute;
}

export interface SimulationResult {
  readonly outcomes: Map<number, SlaveOutcome | undefined>;
  readonly leader: LeaderMachine;
  /** The slave machines that started, by id (a killed one included, stopped where it died). */
  readonly slaves: ReadonlyMap<number, SlaveMachine>;
  /** Messages dropped by the leader and all slaves together. */
  readonly dropped: number;
}

const key = 'simulation-key-0123456789';
const runId = 'sim';

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per queue, one FIFO per publisher: RabbitMQ keeps a channel's order per queue, nothing more. */
type Queue = Map<string, Buffer[]>;

export function simulate(options: SimulationOptions): SimulationResult {
  const rnd = random(options.seed);
  const int = (bound: number) => Math.floor(rnd() * bound);
  let now = 0;
  const queues = new Map<string, Queue>();
  const bound = new Set<string>(); // queues bound to the log exchange
  const seen: Buffer[] = []; // everything published, for replays
  const leader = new LeaderMachine(
    {
      runId,
      n: options.n,
      epoch: 'ep',
      leaseMs: 500,
      heartbeatMs: 100,
      endBy: options.endBy ?? 1_000_000,
      ...(options.appendRoute === undefined ? {} : { appendRoute: options.appendRoute }),
    },
    int,
  );
  const slaves = new Map<number, SlaveMachine>();
  const dead = new Set<number>();
  const absent = new Set(options.absent ?? []);
  const enqueue = (queue: string, publisher: string, content: Buffer) => {
    const q = queues.get(queue);
    if (q === undefined) return; // no such queue: RabbitMQ drops it too
    const fifo = q.get(publisher) ?? [];
    fifo.push(content);
    q.set(publisher, fifo);
  };
  const publish = (publisher: string, sends: readonly Send[]) => {
    for (const { target, message } of sends) {
      const content = encode(message, key);
      seen.push(content);
      if (target.to === 'leader') enqueue('leader', publisher, content);
      else if (target.to === 'log') for (const q of bound) enqueue(q, publisher, content);
      else enqueue(`slave.${target.slave}.${target.nonce}`, publisher, content);
    }
  };
  queues.set('leader', new Map());
  bound.add('leader');
  let leaderStarted = false;
  let abandoned = false;
  const startAt = new Map<number, number>();
  for (let id = 0; id < options.n; id++) if (!absent.has(id)) startAt.set(id, int(2000));
  const leaderAt = int(1500);

  const inbox = (id: number) => `slave.${id}.a${id}`;
  for (let step = 0; step < 200_000; step++) {
    if (
      leader.outcome !== undefined &&
      [...slaves].every(([id, s]) => dead.has(id) || s.outcome !== undefined)
    ) {
      if ([...startAt.keys()].every((id) => slaves.has(id))) break;
    }
    if (!leaderStarted && now >= leaderAt) {
      leaderStarted = true;
      publish('leader', leader.start(now));
    }
    for (const [id, at] of startAt) {
      if (slaves.has(id) || now < at) continue;
      const s = new AnsweringSlave({ runId, id, nonce: `a${id}`, giveUpAt: 1_000_000 }, int(1001));
      slaves.set(id, s);
      queues.set(inbox(id), new Map());
      bound.add(inbox(id));
      publish(`slave${id}`, s.start(now));
    }
    if (options.inject !== undefined && rnd() < options.inject) inject();
    if (!abandoned && now >= 3000) {
      abandoned = true;
      for (const slave of options.abandon ?? []) {
        const message = { k: 'abandon', run: runId, no: 0, slave, nonce: `c${slave}` } as const;
        publish('client', [{ target: { to: 'leader' }, message }]);
      }
    }
    const ready = [...queues].filter(([, q]) => [...q.values()].some((f) => f.length > 0));
    if (ready.length === 0 || rnd() < 0.05) {
      now += 1 + int(50);
      if (leaderStarted) publish('leader', leader.tick(now));
      for (const [id, s] of slaves) if (!dead.has(id)) s.tick(now);
      continue;
    }
    const [name, q] = ready[int(ready.length)]!;
    const fifos = [...q.values()].filter((f) => f.length > 0);
    const fifo = fifos[int(fifos.length)]!;
    const content = fifo.shift()!;
    const times = rnd() < (options.duplicate ?? 0) ? 2 : 1;
    for (let i = 0; i < times; i++) deliver(name, content);
  }
  const dropped = [...slaves.values()].reduce((sum, s) => sum + s.dropped, leader.dropped);
  return { outcomes: new Map([...slaves].map(([id, s]) => [id, s.outcome])), leader, slaves, dropped };

  function deliver(queue: string, content: Buffer): void {
    if (queue === 'leader') {
      if (!leaderStarted) {
        // Not consumed yet: the message waits in the queue.
        enqueue('leader', 'requeued', content);
        return;
      }
      const d = decode(content, key, runId);
      if ('drop' in d) leader.drop(d.drop, now);
      else publish('leader', leader.receive(d.message, now));
      return;
    }
    const id = Number(queue.split('.')[1]);
    const s = slaves.get(id);
    if (s === undefined || dead.has(id)) return;
    const d = decode(content, key, runId);
    if ('drop' in d) {
      s.drop(d.drop, now);
      return;
    }
    if (d.message.k === 'grant' && options.dieOnGrant?.includes(id) === true) {
      dead.add(id);
      queues.delete(inbox(id));
      bound.delete(inbox(id));
      return;
    }
    publish(`slave${id}`, s.receive(d.message, now));
  }

  function inject(): void {
    const targets = [...queues.keys()];
    const target = targets[int(targets.length)]!;
    const choice = int(4);
    const forged =
      choice === 0
        ? encode(
            { k: 'append', run: runId, no: 1, slave: 0, nonce: 'x', seq: 0, token: 'ep.0', value: 1 },
            'wrong-key-0123456789',
          )
        : choice === 1
          ? encode({ k: 'request', run: 'other', no: 0, slave: 0, nonce: 'y' }, key)
          : choice === 2
            ? Buffer.from('{"k":"grant"')
            : seen[int(seen.length)];
    if (forged !== undefined) enqueue(target, 'intruder', forged);
  }
}
