import { expect } from 'chai';
import type { JsonValue } from '../../../src/protocol/json-value.js';
import { checkHistory } from '../../../src/history/checker.js';
import type { AppendEvent, GrantEvent, HistoryEvent } from '../../../src/history/event.js';
import type { PropertyName } from '../../../src/history/report.js';
import { messagesIn } from './findings.js';
import { simulateRun, withSteps } from './simulate.js';

const messages = (events: readonly HistoryEvent[], property: PropertyName): string[] =>
  messagesIn(checkHistory(events), property);

/**
 * The history of a run in which slave `slave` was invoked a second time while its first activation
 * still held the grant, and the second activation appended `value` under the same grant too and
 * returned the list: a whole, returned activation, so only the double append is wrong.
 */
function secondHolder(slave: number, value: (first: AppendEvent) => JsonValue): HistoryEvent[] {
  const base = simulateRun({ n: 4, seed: 5 });
  const first = base.find((e): e is AppendEvent => e.type === 'append' && e.slave === slave)!;
  const list = base.find((e) => e.type === 'return' && e.actor === 'leader' && e.list !== undefined);
  if (list?.type !== 'return' || list.list === undefined) throw new Error('no leader list');
  const own = { runId: first.runId, activationId: 'retried-activation', slave } as const;
  const t = first.t;
  const second: HistoryEvent[] = [
    { ...own, type: 'invoke', actor: 'client', role: 'slave', t: t - 0.2 },
    { ...own, type: 'request', actor: 'slave', t: t - 0.1 },
    { ...first, ...own, actor: 'slave', value: value(first), t: t + 0.05 },
    { ...own, type: 'return', actor: 'slave', ok: true, list: [...list.list], t: t + 50 },
    { ...own, type: 'end', actor: 'client', role: 'slave', status: 'success', t: t + 51 },
  ];
  const merged = [...base.map(({ step: _step, ...e }) => e), ...second].sort((a, b) => a.t - b.t);
  return withSteps(merged);
}

describe('checkHistory: one grant, one writer', () => {
  it('fails when two activations of the granted slave append under one grant, with different values', () => {
    const events = secondHolder(2, (first) => ((first.value as number) + 1) % 1001);
    const grant = events.find((e): e is GrantEvent => e.type === 'grant' && e.slave === 2)!;
    expect(messages(events, 'Mutual exclusion')).to.deep.equal([
      `2 activations of slave 2 appended under seq ${grant.seq}, which was granted once`,
    ]);
    expect(messages(events, 'Validity').join('\n')).to.contain('is not the one slave 2 appended');
  });

  it('fails when they append the same value: two writers held one critical section', () => {
    const events = secondHolder(1, (first) => first.value);
    expect(messages(events, 'Mutual exclusion')).to.have.length(1);
    expect(messages(events, 'Mutual exclusion')[0]).to.match(/^2 activations of slave 1 appended under seq/);
  });

  it('fails when one activation (no activation ids recorded) appends two values under one grant', () => {
    const base = simulateRun({ n: 3 }).map(({ activationId: _id, ...e }) => e);
    const first = base.find((e): e is AppendEvent => e.type === 'append')!;
    const events = withSteps(
      [...base, { ...first, value: ((first.value as number) + 3) % 1001, t: first.t + 0.01 }]
        .map(({ step: _step, ...e }) => e)
        .sort((a, b) => a.t - b.t),
    );
    expect(messages(events, 'Mutual exclusion')).to.deep.equal([
      `slave ${first.slave} appended 2 different values under seq ${first.seq}`,
    ]);
  });
});
