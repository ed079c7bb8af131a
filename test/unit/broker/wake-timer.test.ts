import { expect } from 'chai';
import { WakeTimer } from '../../../src/broker/wake-timer.js';

/** One turn of the event loop: the timer applies a turn's changes after its I/O. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const realSetTimeout = globalThis.setTimeout;

/** Waits for `done` to hold, failing after 5 s (its own timers are not the wake timer's). */
async function until(done: () => boolean, what: string): Promise<void> {
  const giveUpAt = performance.now() + 5000;
  while (!done()) {
    if (performance.now() > giveUpAt) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
}

describe('WakeTimer', () => {
  let armed: number[];
  let clock: number;
  let woke: number[];
  let timer: WakeTimer;

  beforeEach(() => {
    armed = [];
    clock = 0;
    woke = [];
    // Counts the timers the wake timer creates, with their delays.
    globalThis.setTimeout = ((callback: () => void, ms?: number) => {
      armed.push(ms ?? 0);
      return realSetTimeout(callback, ms);
    }) as typeof setTimeout;
    timer = new WakeTimer(
      () => woke.push(clock),
      () => clock,
    );
  });

  afterEach(() => {
    timer.stop();
    globalThis.setTimeout = realSetTimeout;
  });

  it('keeps the armed timer when the wanted time moves later, and re-arms only for an earlier one', async () => {
    timer.set(10_000);
    await nextTurn();
    expect(armed).to.deep.equal([10_000]);
    timer.set(10_001);
    timer.set(60_000);
    await nextTurn();
    expect(armed).to.deep.equal([10_000]);
    timer.set(4_000);
    await nextTurn();
    expect(armed).to.deep.equal([10_000, 4_000]);
  });

  it("arms once per turn, for the earliest of that turn's times it still wants", async () => {
    timer.set(60_000);
    timer.set(2_000); // a grant asks for a renewal…
    timer.set(60_500); // …and the append of the same turn no longer does
    await nextTurn();
    expect(armed).to.deep.equal([60_500]);
  });

  it('does not wake before the wanted time: a timer armed earlier re-arms itself for the rest', async () => {
    timer.set(1);
    await nextTurn();
    timer.set(1_000_000);
    await until(() => armed.length === 2, 'the early timer fires and re-arms');
    expect(woke).to.deep.equal([]);
    expect(armed[1]).to.equal(1_000_000);
  });

  it('wakes once when the time has come', async () => {
    timer.set(1);
    clock = 5;
    await until(() => woke.length > 0, 'the wake');
    await nextTurn();
    expect(woke).to.deep.equal([5]);
  });

  it('arms nothing after stop or when no time is wanted', async () => {
    timer.set(50);
    timer.stop();
    timer.set(70);
    timer.set(undefined);
    await nextTurn();
    expect(armed).to.deep.equal([]);
  });
});
