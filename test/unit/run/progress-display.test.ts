import { expect } from 'chai';

import type { Progress } from '../../../src/executor/progress.js';
import { createProgressDisplay } from '../../../src/run/progress-display.js';
import { renderProgressLine } from '../../../src/run/progress-line.js';

function progress(total: number, finished: number, running: number, failed = 0): Progress {
  return {
    total,
    pending: total - finished - running,
    invoked: 0,
    running,
    succeeded: finished - failed,
    failed,
    finished,
  };
}

/** A terminal stand-in: records what is written, with a settable width. */
class FakeTerminal {
  readonly isTTY: boolean;
  columns: number;
  written = '';
  constructor(tty: boolean, columns = 80) {
    this.isTTY = tty;
    this.columns = columns;
  }
  write(text: string): boolean {
    this.written += text;
    return true;
  }
  /** What the screen shows: the text of each line after carriage returns and line clears. */
  screen(): string[] {
    return this.written.split('\n').map((line) => line.split('\r').at(-1)?.replace('\x1b[2K', '') ?? '');
  }
}

describe('renderProgressLine', () => {
  it('shows the bar, percent, counts, elapsed time and an estimate', () => {
    const line = renderProgressLine(progress(41, 20, 21), { width: 120, elapsedMs: 4000 });
    expect(line).to.equal(
      `[${'#'.repeat(15)}${'.'.repeat(15)}] 48% 20/41 done, 21 running, 4.0 s, ~4.2 s left`,
    );
  });

  it('fits every width from 10 to 200 columns without wrapping', () => {
    for (let width = 10; width <= 200; width++) {
      const line = renderProgressLine(progress(10001, 5000, 4000, 12), { width, elapsedMs: 125_000 });
      expect(line.length, `width ${width}: ${line}`).to.be.below(width);
    }
  });

  it('keeps percent, counts, elapsed time and the estimate in a 50-column pane', () => {
    const line = renderProgressLine(progress(41, 20, 21, 2), { width: 50, elapsedMs: 4000 });
    expect(line).to.equal('48% 20/41 done, 2 failed, 4.0 s, ~4.2 s left');
  });

  it('counts the expected activations from the start, so the total does not jump', () => {
    const line = renderProgressLine(progress(1, 0, 1), { width: 120, elapsedMs: 100, expectedTotal: 41 });
    expect(line).to.contain(' 0% 0/41 done, 1 running, 0.1 s');
    expect(line).not.to.contain('left');
  });
});

describe('createProgressDisplay', () => {
  it('never draws a line wider than a 50-column terminal, so no stale wrapped lines pile up', () => {
    const terminal = new FakeTerminal(true, 50);
    let t = 0;
    const display = createProgressDisplay(terminal as unknown as NodeJS.WriteStream, {
      expectedTotal: 41,
      now: () => (t += 250),
    });
    for (let finished = 0; finished <= 41; finished++) display.update(progress(41, finished, 41 - finished));
    display.note('a note');
    display.finish();
    for (const line of terminal.screen()) expect(line.length, line).to.be.below(50);
    expect(terminal.screen()).to.deep.equal(['a note', '']);
  });

  it('draws nothing after finish, however many updates follow (e.g. after an interrupt)', () => {
    const terminal = new FakeTerminal(true);
    const display = createProgressDisplay(terminal as unknown as NodeJS.WriteStream, { now: () => 0 });
    display.update(progress(3, 1, 2));
    display.finish();
    const before = terminal.written;
    display.update(progress(3, 3, 0, 3));
    expect(terminal.written).to.equal(before);
    display.note('map: interrupted; stopping');
    expect(terminal.screen().at(-2)).to.equal('map: interrupted; stopping');
  });

  it('writes plain lines at each tenth when the stream is not a terminal', () => {
    const log = new FakeTerminal(false);
    const display = createProgressDisplay(log as unknown as NodeJS.WriteStream, {
      expectedTotal: 20,
      now: () => 0,
    });
    for (let finished = 0; finished <= 20; finished++) display.update(progress(20, finished, 20 - finished));
    const lines = log.written.trimEnd().split('\n');
    expect(lines).to.have.length(11);
    expect(lines.at(-1)).to.contain('100% 20/20 done');
  });
});
