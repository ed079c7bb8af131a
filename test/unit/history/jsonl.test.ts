import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryFileError, HistoryFormatError } from '../../../src/history/errors.js';
import type { HistoryEvent } from '../../../src/history/event.js';
import {
  formatHistory,
  mergeHistories,
  parseHistory,
  readHistoryFile,
  writeHistoryFile,
} from '../../../src/history/jsonl.js';
import { simulateRun } from './simulate.js';

function formatError(text: string): HistoryFormatError {
  try {
    parseHistory(text, 'h.jsonl');
  } catch (err) {
    if (err instanceof HistoryFormatError) return err;
    throw err;
  }
  throw new Error('parseHistory accepted malformed input');
}

const GRANT =
  '{"type":"grant","actor":"leader","runId":"r","t":1,"seq":0,"slave":2,"token":"e1:0","leaseMs":500}';

describe('JSONL history', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'whisk-sync-history-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a run through a file, sub-millisecond times included', async () => {
    const events = simulateRun({ n: 7, zombies: [3], killed: [5] }).map((e, i) => ({ ...e, t: e.t + i / 7 }));
    const file = join(dir, 'run.jsonl');
    await writeHistoryFile(file, events);
    expect(await readHistoryFile(file)).to.deep.equal(events);
  });

  it('writes one line per event and skips blank lines when reading', () => {
    const events = simulateRun({ n: 2 });
    const text = formatHistory(events);
    expect(text.split('\n')).to.have.length(events.length + 1);
    expect(parseHistory('\n' + text.replace('\n', '\n\n  \n'))).to.deep.equal(events);
  });

  it('loads events without a step, as written before steps existed', () => {
    const [event] = parseHistory(GRANT);
    expect(event).to.include({ type: 'grant', seq: 0 }).and.not.have.property('step');
    expect(parseHistory(GRANT.replace('"t":1', '"t":1,"step":4'))[0]).to.have.property('step', 4);
  });

  it('keeps fields it does not know, so newer writers still load', () => {
    const [event] = parseHistory(GRANT.replace('}', ',"epoch":3}'));
    expect(event).to.have.property('epoch', 3);
  });

  const malformed: [string, string, RegExp][] = [
    ['text that is not JSON', 'grant seq 0', /line 2: not valid JSON/],
    ['a JSON array', '[1,2]', /line 2: expected a JSON object/],
    ['an unknown type', '{"type":"vote","runId":"r","t":1}', /line 2: unknown event type "vote"/],
    ['a missing field', GRANT.replace(',"token":"e1:0"', ''), /line 2: field "token" is missing/],
    [
      'a wrong field type',
      GRANT.replace('"seq":0', '"seq":"0"'),
      /line 2: field "seq" must be a non-negative integer/,
    ],
    [
      'a wrong actor',
      GRANT.replace('"actor":"leader"', '"actor":"slave"'),
      /line 2: field "actor" must be "leader"/,
    ],
    [
      'a time that is not a number',
      GRANT.replace('"t":1', '"t":null'),
      /line 2: field "t" must be a finite number/,
    ],
    [
      'a step that is not a whole number',
      GRANT.replace('"t":1', '"t":1,"step":1.5'),
      /line 2: field "step" must be a non-negative integer when present/,
    ],
    [
      'a list that is not an array',
      '{"type":"return","actor":"slave","slave":1,"ok":true,"list":{"0":1},"runId":"r","t":2}',
      /line 2: field "list" must be an array of JSON values when present/,
    ],
  ];
  for (const [what, line, message] of malformed) {
    it(`rejects ${what}, naming the file and line`, () => {
      const err = formatError(`${GRANT}\n${line}\n${GRANT}\n`);
      expect(err.message).to.match(message);
      expect(err.message.startsWith('h.jsonl line 2: ')).to.be.true;
      expect(err).to.include({ code: 'HISTORY_MALFORMED', line: 2 });
      expect(err.message).to.not.include('\n');
    });
  }

  it('reports a missing file with a code and without the system error text', async () => {
    const missing = join(dir, 'absent.jsonl');
    const err: unknown = await readHistoryFile(missing).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(HistoryFileError);
    expect(err).to.include({
      code: 'HISTORY_UNREADABLE',
      message: `cannot access history file ${missing}: no such file`,
    });
  });

  it('reports a directory given as a file', async () => {
    const err: unknown = await readHistoryFile(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).to.equal(`cannot access history file ${dir}: it is a directory`);
  });

  it('merges the histories of several parties by time, keeping equal times in argument order', () => {
    const leader: HistoryEvent[] = [
      { type: 'grant', actor: 'leader', runId: 'r', t: 1, seq: 0, slave: 0, token: 'a', leaseMs: 9 },
      {
        type: 'commit',
        actor: 'leader',
        runId: 'r',
        t: 3,
        seq: 0,
        slave: 0,
        token: 'a',
        value: 4,
        position: 0,
      },
    ];
    const slave: HistoryEvent[] = [
      { type: 'request', actor: 'slave', runId: 'r', t: 0.5, slave: 0 },
      { type: 'append', actor: 'slave', runId: 'r', t: 3, seq: 0, slave: 0, token: 'a', value: 4 },
    ];
    const merged = mergeHistories(leader, slave);
    expect(merged.map((e) => e.type)).to.deep.equal(['request', 'grant', 'commit', 'append']);
    expect(mergeHistories(slave, leader).map((e) => e.type)).to.deep.equal([
      'request',
      'grant',
      'append',
      'commit',
    ]);
    expect(leader.map((e) => e.type)).to.deep.equal(['grant', 'commit']);
  });
});
