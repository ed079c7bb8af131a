import { expect } from 'chai';
import { checkHistory } from '../../../src/history/checker.js';
import type { CommitEvent, GrantEvent, HistoryEvent, ReturnEvent } from '../../../src/history/event.js';
import { formatReport } from '../../../src/history/format-report.js';
import {
  PROPERTIES,
  type CheckReport,
  type PropertyName,
  type Violation,
} from '../../../src/history/report.js';
import { recordBefore } from './reorder.js';
import { simulateRun } from './simulate.js';

function violations(report: CheckReport, property: PropertyName): readonly Violation[] {
  return report.runs.flatMap((r) =>
    r.properties.filter((p) => p.property === property).flatMap((p) => p.violations),
  );
}

function failedProperties(report: CheckReport): PropertyName[] {
  return PROPERTIES.filter((p) => violations(report, p).length > 0);
}

/** Replaces the events matching `pick` with what `change` makes of them (`undefined` removes them). */
function edit<T extends HistoryEvent>(
  events: readonly HistoryEvent[],
  pick: (e: HistoryEvent) => e is T,
  change: (e: T) => HistoryEvent | undefined,
): HistoryEvent[] {
  return events.flatMap((e) => {
    if (!pick(e)) return [e];
    const changed = change(e);
    return changed === undefined ? [] : [changed];
  });
}

const isCommit =
  (position: number) =>
  (e: HistoryEvent): e is CommitEvent =>
    e.type === 'commit' && e.position === position;
const isGrant =
  (seq: number) =>
  (e: HistoryEvent): e is GrantEvent =>
    e.type === 'grant' && e.seq === seq;
const isSlaveReturn =
  (slave: number) =>
  (e: HistoryEvent): e is ReturnEvent =>
    e.type === 'return' && e.actor === 'slave' && e.slave === slave;

function commitAt(events: readonly HistoryEvent[], position: number): CommitEvent {
  const c = events.find(isCommit(position));
  if (c === undefined) throw new Error(`no commit at ${position}`);
  return c;
}

describe('checkHistory', () => {
  describe('correct runs', () => {
    for (const n of [1, 5, 50]) {
      it(`passes every property for a run of ${n} slaves`, () => {
        const report = checkHistory(simulateRun({ n, seed: n }));
        expect(failedProperties(report)).to.deep.equal([]);
        expect(report.passed).to.be.true;
        expect(report.runs).to.have.length(1);
        expect(report.runs[0]!.properties.map((p) => p.property)).to.deep.equal([...PROPERTIES]);
        expect(report.runs[0]!.summary).to.include({ slaves: n, grants: n, commits: n, revokes: 0 });
      });
    }

    it('passes a run where a slave died holding the grant and one came back as a fenced zombie', () => {
      const report = checkHistory(simulateRun({ n: 6, killed: [2], zombies: [4] }));
      expect(failedProperties(report)).to.deep.equal([]);
      expect(report.runs[0]!.summary).to.include({ grants: 6, commits: 4, revokes: 2 });
    });

    it('judges interleaved runs separately and in any input order', () => {
      const a = simulateRun({ n: 4, runId: 'run-a', seed: 2 });
      const b = simulateRun({ n: 3, runId: 'run-b', seed: 3 });
      const shuffled = [...a, ...b].reverse();
      const report = checkHistory(shuffled);
      expect(report.runs.map((r) => r.runId).sort()).to.deep.equal(['run-a', 'run-b']);
      expect(report.passed).to.be.true;
      expect(checkHistory(shuffled, { runId: 'run-b' }).runs.map((r) => r.runId)).to.deep.equal(['run-b']);
    });
  });

  describe('Agreement', () => {
    it('fails when one slave returns a different list, naming the slave and the first difference', () => {
      const events = edit(simulateRun({ n: 5 }), isSlaveReturn(3), (r) => ({
        ...r,
        list: [...(r.list ?? [])].reverse(),
      }));
      const found = violations(checkHistory(events), 'Agreement');
      expect(found).to.have.length(1);
      expect(found[0]).to.include({ runId: 'run-sim', slave: 3, position: 0, property: 'Agreement' });
    });

    it("fails when the leader's list differs from the slaves' lists, naming the leader once", () => {
      const base = simulateRun({ n: 4, seed: 6 });
      const isLeaderReturn = (e: HistoryEvent): e is ReturnEvent =>
        e.type === 'return' && e.actor === 'leader';
      const events = edit(base, isLeaderReturn, (r) => ({ ...r, list: [...(r.list ?? [])].reverse() }));
      const found = violations(checkHistory(events), 'Agreement');
      expect(found.map((v) => v.message)).to.deep.equal([
        'the leader returned a different list than slave 0, first difference at position 0',
      ]);
      expect(found[0]).to.not.have.property('slave');
      expect(violations(checkHistory(events), 'Validity').map((v) => v.message)).to.have.length(4);
    });

    it('fails when a slave returns successfully without a list', () => {
      const events = edit(simulateRun({ n: 3 }), isSlaveReturn(1), (r) => ({
        type: 'return',
        actor: 'slave',
        slave: 1,
        ok: true,
        runId: r.runId,
        t: r.t,
      }));
      const found = violations(checkHistory(events), 'Agreement');
      expect(found.map((v) => v.message)).to.deep.equal(['slave 1 returned successfully without a list']);
    });
  });

  describe('Validity', () => {
    it('fails when a committed value lies outside 0..1000', () => {
      const base = simulateRun({ n: 3 });
      const seq = commitAt(base, 1).seq;
      const events = base.map((e) =>
        (e.type === 'commit' || e.type === 'append') && e.seq === seq ? { ...e, value: 1001 } : e,
      );
      const found = violations(checkHistory(events, { drawnValues: true }), 'Validity');
      expect(found.some((v) => v.seq === seq && v.seen === '1001' && /0\.\.1000/.test(v.message))).to.be.true;
    });

    it('fails when the committed value is not the one the holder appended', () => {
      const base = simulateRun({ n: 4 });
      const commit = commitAt(base, 2);
      const events = edit(base, isCommit(2), (c) => ({ ...c, value: ((c.value as number) + 1) % 1001 }));
      const found = violations(checkHistory(events), 'Validity');
      const mismatch = found.find((v) => v.message.includes('not the one'));
      expect(mismatch).to.include({
        seq: commit.seq,
        slave: commit.slave,
        expected: JSON.stringify(commit.value),
      });
    });

    it('fails when a commit names another slave than the grant', () => {
      const base = simulateRun({ n: 4 });
      const commit = commitAt(base, 0);
      const other = commitAt(base, 1).slave;
      const events = edit(base, isCommit(0), (c) => ({ ...c, slave: other }));
      const found = violations(checkHistory(events), 'Validity');
      expect(found.find((v) => v.message.includes('does not match its grant'))).to.include({
        seq: commit.seq,
        expected: `slave ${commit.slave} with token ${commit.token}`,
      });
    });

    it('fails on a gap: a position never committed', () => {
      const events = edit(simulateRun({ n: 4 }), isCommit(1), () => undefined);
      const found = violations(checkHistory(events), 'Validity');
      expect(found.find((v) => v.message.startsWith('position 1 was never committed'))).to.include({
        position: 1,
      });
    });

    it('fails on a duplicate: a slave committed twice', () => {
      const base = simulateRun({ n: 3 });
      const first = commitAt(base, 0);
      const last = base[base.length - 1]!;
      const events = [
        ...base,
        { ...first, seq: 3, token: 'e1:3', position: 3, t: last.t + 1 },
        { ...base.find(isGrant(first.seq))!, seq: 3, token: 'e1:3', t: last.t + 0.5 },
      ];
      const found = violations(checkHistory(events), 'Validity');
      expect(found.find((v) => v.message.includes('committed twice'))).to.include({
        slave: first.slave,
        position: 3,
      });
    });

    it('fails when a returned list holds a value that was not committed at that position', () => {
      const base = simulateRun({ n: 3 });
      const committed = commitAt(base, 2).value as number;
      const events = base.map((e) =>
        e.type === 'return' && e.actor === 'slave' && e.list !== undefined
          ? { ...e, list: [...e.list.slice(0, 2), (committed + 7) % 1001] }
          : e,
      );
      const found = violations(checkHistory(events), 'Validity');
      expect(found).to.have.length(3);
      expect(found[0]).to.include({
        position: 2,
        expected: String(committed),
        seen: String((committed + 7) % 1001),
      });
    });
  });

  describe('Mutual exclusion', () => {
    it('fails when a grant is sent before the previous holder was committed or revoked', () => {
      const base = simulateRun({ n: 4 });
      const grant1 = base.find(isGrant(1))!;
      const grant0 = base.find(isGrant(0))!;
      const events = recordBefore(base, grant1, commitAt(base, 0));
      const found = violations(checkHistory(events), 'Mutual exclusion');
      expect(found).to.have.length(1);
      expect(found[0]).to.include({ seq: 1, slave: grant1.slave });
      expect(found[0]!.message).to.include(`while slave ${grant0.slave} held seq 0`);
    });

    it('fails when a grant is never released and another follows', () => {
      const base = simulateRun({ n: 3 });
      const events = edit(base, isCommit(0), () => undefined);
      const found = violations(checkHistory(events), 'Mutual exclusion');
      expect(found[0]!.message).to.include('never released it');
    });

    it('fails when a slave appends under a grant held by another slave', () => {
      const base = simulateRun({ n: 3 });
      const grant = base.find(isGrant(0))!;
      const intruder = (grant.slave + 1) % 3;
      const events = [
        ...base,
        {
          type: 'append',
          actor: 'slave',
          seq: 0,
          slave: intruder,
          token: grant.token,
          value: 5,
          runId: grant.runId,
          t: grant.t + 0.1,
        } as const,
      ];
      const found = violations(checkHistory(events), 'Mutual exclusion');
      expect(found.map((v) => v.slave)).to.deep.equal([intruder]);
    });
  });

  describe('Fencing', () => {
    it('fails when a revoked grant is committed', () => {
      const base = simulateRun({ n: 4, zombies: [1] });
      const revoke = base.find((e) => e.type === 'revoke')!;
      const zombieAppend = base.find((e) => e.type === 'append' && e.seq === revoke.seq)!;
      if (zombieAppend.type !== 'append') throw new Error('unreachable');
      const commit: CommitEvent = {
        type: 'commit',
        actor: 'leader',
        seq: revoke.seq,
        slave: revoke.slave,
        token: revoke.token,
        value: zombieAppend.value,
        position: 3,
        runId: revoke.runId,
        t: zombieAppend.t + 0.1,
      };
      const found = violations(checkHistory([...base, commit]), 'Fencing');
      expect(
        found.some(
          (v) => v.seq === revoke.seq && v.slave === 1 && v.message.includes('although it was revoked'),
        ),
      ).to.be.true;
    });

    it("fails when a zombie's late value appears in a returned list", () => {
      const base = simulateRun({ n: 3, zombies: [0], seed: 7 });
      const zombieAppend = base.find((e) => e.type === 'append' && e.slave === 0)!;
      if (zombieAppend.type !== 'append') throw new Error('unreachable');
      const events = edit(base, isSlaveReturn(2), (r) => ({
        ...r,
        list: [...(r.list ?? []), zombieAppend.value],
      }));
      const found = violations(checkHistory(events), 'Fencing');
      expect(found).to.have.length(1);
      expect(found[0]).to.include({
        seq: zombieAppend.seq,
        slave: 0,
        position: 2,
        seen: JSON.stringify(zombieAppend.value),
      });
    });
  });

  describe('Termination', () => {
    it('fails when an invoked activation never ends', () => {
      const events = simulateRun({ n: 3 }).filter((e) => !(e.type === 'end' && e.slave === 2));
      const found = violations(checkHistory(events), 'Termination');
      expect(found).to.have.length(1);
      expect(found[0]).to.include({ slave: 2 });
      expect(found[0]!.message).to.include('never saw it end');
    });

    it('fails when an activation that started never returns', () => {
      const events = simulateRun({ n: 3 }).filter((e) => !(e.type === 'return' && e.actor === 'leader'));
      const found = violations(checkHistory(events), 'Termination');
      expect(found.map((v) => v.message)).to.deep.equal([
        'the leader (activation run-sim-leader) started but never recorded a return',
      ]);
    });
  });

  describe('formatReport', () => {
    it('names each property with PASS or FAIL and lists violations', () => {
      const events = simulateRun({ n: 3 }).filter((e) => !(e.type === 'end' && e.slave === 2));
      const text = formatReport(checkHistory(events));
      expect(text).to.match(/PASS {2}Mutual exclusion: /);
      expect(text).to.match(/FAIL {2}Termination: /);
      expect(text).to.include('slave 2 (activation run-sim-slave-2) but never saw it end');
      expect(text).to.include('1 of 1 run(s) violate a property');
    });

    it('summarises long violation lists', () => {
      const events = simulateRun({ n: 30 }).filter((e) => e.type !== 'end');
      const text = formatReport(checkHistory(events), { maxViolations: 5 });
      expect(text).to.include('… and 26 more');
    });
  });
});
