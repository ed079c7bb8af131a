import { expect } from 'chai';

import type { RoundVerdict } from '../../../src/soak/judge.js';
import type { FaultKind } from '../../../src/soak/plan.js';
import { formatTable, soakFailed, tally, type TalliedRound } from '../../../src/soak/table.js';

const verdict = (result: RoundVerdict['result'], extra: Partial<RoundVerdict> = {}): RoundVerdict => ({
  result,
  violations: [],
  leaks: [],
  problems: [],
  ...extra,
});
const round = (fault: FaultKind, v: RoundVerdict, faultHits = 1): TalliedRound => ({
  fault,
  verdict: v,
  faultHits,
});

describe('soak table', () => {
  const rounds = [
    round('none', verdict('succeeded'), 0),
    round('none', verdict('succeeded'), 0),
    round('kill', verdict('failed')),
    round('kill', verdict('succeeded', { leaks: ['left on the broker: queue q'] }), 0),
    round('pause', verdict('hang')),
    round(
      'inject',
      verdict('failed', { violations: ['disagreement: 1 of 2 returned lists differ from the first'] }),
    ),
  ];

  it('counts each fault kind and the total', () => {
    const table = tally(rounds);
    expect(table.rows.none).to.deep.equal({
      rounds: 2,
      succeeded: 2,
      failed: 0,
      violations: 0,
      hangs: 0,
      leaks: 0,
      missed: 0,
    });
    expect(table.rows.kill).to.deep.equal({
      rounds: 2,
      succeeded: 1,
      failed: 1,
      violations: 0,
      hangs: 0,
      leaks: 1,
      missed: 1,
    });
    expect(table.rows.pause).to.deep.equal({
      rounds: 1,
      succeeded: 0,
      failed: 0,
      violations: 0,
      hangs: 1,
      leaks: 0,
      missed: 0,
    });
    expect(table.rows['close-connection'].rounds).to.equal(0);
    expect(table.total).to.deep.equal({
      rounds: 6,
      succeeded: 3,
      failed: 2,
      violations: 1,
      hangs: 1,
      leaks: 1,
      missed: 1,
    });
  });

  it('prints one aligned line per fault kind and a total line', () => {
    const lines = formatTable(tally(rounds)).split('\n');
    expect(lines).to.have.length(7);
    expect(lines[0]).to.match(/^fault\s+rounds\s+succeeded\s+failed\s+violations\s+hangs\s+leaks\s+missed$/);
    expect(lines[2]).to.match(/^kill\s+2\s+1\s+1\s+0\s+0\s+1\s+1$/);
    expect(lines[6]).to.match(/^total\s+6\s+3\s+2\s+1\s+1\s+1\s+1$/);
    expect(new Set(lines.map((line) => line.length)).size).to.equal(1);
  });

  it('fails the soak on a violation, hang, leak or failed fault-free round, and only then', () => {
    expect(
      soakFailed(tally([round('none', verdict('succeeded')), round('kill', verdict('failed'))])),
    ).to.equal(false);
    expect(soakFailed(tally([round('none', verdict('failed'))]))).to.equal(true);
    expect(soakFailed(tally([round('kill', verdict('hang'))]))).to.equal(true);
    expect(soakFailed(tally([round('kill', verdict('failed', { leaks: ['x'] }))]))).to.equal(true);
    expect(soakFailed(tally([round('inject', verdict('succeeded', { violations: ['x'] }))]))).to.equal(true);
  });
});
