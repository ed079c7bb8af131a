import { expect } from 'chai';
import type { HistoryEvent } from '../../../src/history/event.js';
import { renderTimeline } from '../../../src/plot/timeline.js';
import { simulateRun } from '../history/simulate.js';
import { findAll, hasClass, parseXml, type XmlElement } from './xml.js';

function rows(svg: XmlElement): XmlElement[] {
  return findAll(svg, (e) => e.name === 'g' && hasClass(e, 'row'));
}

function countClass(svg: XmlElement, name: string): number {
  return findAll(svg, (e) => hasClass(e, name)).length;
}

const count = (events: readonly HistoryEvent[], type: HistoryEvent['type']): number =>
  events.filter((e) => e.type === type).length;

describe('renderTimeline', () => {
  describe('the XML checker used here', () => {
    const broken: [string, string][] = [
      ['an unclosed element', '<svg><g></svg>'],
      ['a bare ampersand', '<svg><text>a & b</text></svg>'],
      ['a raw < in an attribute', '<svg><text x="<">a</text></svg>'],
      ['an unquoted attribute', '<svg width=3/>'],
      ['two roots', '<svg/><svg/>'],
    ];
    for (const [what, xml] of broken) {
      it(`rejects ${what}`, () => {
        expect(() => parseXml(xml)).to.throw(SyntaxError, /not well-formed/);
      });
    }
  });

  it('draws one row per activation and one critical section per grant, revocations marked', () => {
    const events = simulateRun({ n: 8, killed: [5], zombies: [2], seed: 4 });
    const svg = parseXml(renderTimeline(events));
    expect(svg.name).to.equal('svg');
    expect(svg.attributes.get('xmlns')).to.equal('http://www.w3.org/2000/svg');
    const drawn = rows(svg);
    expect(drawn.map((r) => r.attributes.get('data-role'))).to.deep.equal([
      'leader',
      ...Array<string>(8).fill('slave'),
    ]);
    expect(drawn.slice(1).map((r) => r.attributes.get('data-slave'))).to.deep.equal([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
    expect(countClass(svg, 'cs')).to.equal(count(events, 'grant'));
    expect(countClass(svg, 'lock')).to.equal(count(events, 'grant'));
    expect(findAll(svg, (e) => hasClass(e, 'cs') && hasClass(e, 'revoked'))).to.have.length(2);
    expect(findAll(svg, (e) => hasClass(e, 'mark') && hasClass(e, 'revoked'))).to.have.length(2);
    expect(countClass(svg, 'append')).to.equal(count(events, 'append'));
    // slave 5 was killed: the client saw its activation fail, and it left no return of its own.
    const slave5 = drawn.find((r) => r.attributes.get('data-slave') === '5')!;
    expect(findAll(slave5, (e) => hasClass(e, 'failed'))).to.have.length(1);
    expect(findAll(slave5, (e) => hasClass(e, 'returned'))).to.have.length(0);
  });

  it('titles the picture with the run id, n and the duration, and labels the time axis', () => {
    const events = simulateRun({ n: 3, runId: 'run-42' });
    const svg = parseXml(renderTimeline(events));
    const title = findAll(svg, (e) => e.name === 'title')[0]!;
    const duration = events[events.length - 1]!.t - events[0]!.t;
    const match = /^whisk-sync run run-42 — n = 3, ([\d.]+) ms$/.exec(title.text);
    expect(match, title.text).to.not.equal(null);
    expect(Number(match![1])).to.be.closeTo(duration, 0.05);
    const labels = findAll(svg, (e) => hasClass(e, 'axis'))[0]!.children.filter((e) => e.name === 'text');
    expect(labels.length).to.be.greaterThan(2);
    expect(labels[0]!.text).to.equal('0 ms');
  });

  it('escapes every text it draws', () => {
    const nasty = `<b>"run" & 'co'</b>`;
    const events = simulateRun({ n: 2, killed: [1] }).map((e) =>
      e.type === 'revoke' ? { ...e, runId: nasty, reason: nasty } : { ...e, runId: nasty },
    );
    const svg = parseXml(renderTimeline(events, { runId: nasty }));
    const texts = findAll(svg, (e) => e.name === 'title').map((e) => e.text);
    expect(texts[0]).to.include(nasty);
    expect(findAll(svg, (e) => e.name === 'b')).to.have.length(0);
    expect(rows(svg)).to.have.length(3);
    const tooltips = findAll(svg, (e) => e.name === 'title').map((e) => e.text);
    expect(
      tooltips.some((t) =>
        t.endsWith(
          `revoked +${(events.find((e) => e.type === 'revoke')!.t - events[0]!.t).toFixed(3)} ms: ${nasty}`,
        ),
      ),
    ).to.be.true;
  });

  it('draws only the run it is asked for and refuses a run that is not there', () => {
    const events = [...simulateRun({ n: 2, runId: 'run-a' }), ...simulateRun({ n: 5, runId: 'run-b' })];
    expect(rows(parseXml(renderTimeline(events)))).to.have.length(3);
    expect(rows(parseXml(renderTimeline(events, { runId: 'run-b' })))).to.have.length(6);
    expect(rows(parseXml(renderTimeline(events, { runId: 'run-b', n: 7 })))).to.have.length(8);
    expect(() => renderTimeline(events, { runId: 'run-c' })).to.throw(
      RangeError,
      'no events of run run-c to draw',
    );
    expect(() => renderTimeline([])).to.throw(RangeError, 'no events to draw');
  });

  it('scales to 1000 slaves with thin rows and stays well-formed', () => {
    const events = simulateRun({ n: 1000, seed: 9 });
    const source = renderTimeline(events);
    expect(source).to.not.include('NaN');
    const svg = parseXml(source);
    expect(rows(svg)).to.have.length(1001);
    expect(countClass(svg, 'cs')).to.equal(1000);
    const height = Number(svg.attributes.get('height'));
    expect(height).to.be.within(1000, 3000);
  });
});
