/**
 * The run's end record against messages that are not the run's: strays and forgeries published into
 * `wsync.<runId>.end` in front of the real record, with real processes and the real broker.
 */
import { expect } from 'chai';
import { connect } from 'amqplib';

import { clearEndRecord } from '../../../src/broker/end-record.js';
import { runNames } from '../../../src/broker/names.js';
import { encode } from '../../../src/protocol/codec.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { failureEnd } from '../../../src/protocol/leader-machine.js';
import type { Message } from '../../../src/protocol/messages.js';
import { keyFingerprint } from '../../../src/protocol/signing.js';
import { AMQP_URL } from '../../helpers/round.js';
import { startAction } from '../../helpers/run-action.js';

type Forgery = { readonly body: Buffer; readonly headers?: Record<string, string> };

function newRun(n: number) {
  const { runId, signingKey } = createRunCredentials();
  const params = { n, runId, amqpUrl: AMQP_URL, signingKey, timeoutMs: 40_000, expiresMs: 20_000 };
  return { runId, signingKey, params, names: runNames(runId) };
}

/**
 * Puts `forgeries` in front of the run's end record: the record is taken out, the forgeries published,
 * and the record's own bytes and headers published again behind them. Returns how many messages the
 * record queue then holds.
 */
async function forgeInFront(queue: string, forgeries: readonly Forgery[]): Promise<number> {
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const real = await channel.get(queue, { noAck: true });
    if (real === false) throw new Error(`${queue} holds no record`);
    for (const forged of forgeries) {
      channel.sendToQueue(
        queue,
        forged.body,
        forged.headers === undefined ? {} : { headers: forged.headers },
      );
    }
    channel.sendToQueue(queue, real.content, { headers: real.properties.headers ?? {} });
    await channel.waitForConfirms();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.close();
    return messageCount;
  } finally {
    await connection.close();
  }
}

/** A live end of run `runId` that carries only its last batch (position 1 of 2). */
function liveEnd(runId: string): Message {
  const { error: _reason, ...sealed } = failureEnd(runId, 'replayed', 'unused');
  return { ...sealed, at: 1, add: [[1, 7]], seqs: [2], count: 2 };
}

describe("the run's end record read past strays and forgeries", function () {
  this.timeout(90_000);

  it('a late slave gets the real outcome with forged, stray and replayed messages in front of the record', async () => {
    const run = newRun(2);
    const [leader, first] = await Promise.all([
      startAction('leader', run.params).result,
      startAction('slave', { ...run.params, id: 0 }).result,
      startAction('slave', { ...run.params, id: 1 }).result,
    ]);
    expect(leader).to.deep.equal({});
    expect(first.list).to.have.length(2);
    const other = createRunCredentials().signingKey;
    const forgedFailure = encode(failureEnd(run.runId, 'forger', 'forged'), other);
    const held = await forgeInFront(run.names.endRecord, [
      // Claims the run's own key but does not verify under it: forged.
      { body: forgedFailure, headers: { 'x-wsync-key': keyFingerprint(run.signingKey) } },
      // Names no key at all.
      { body: forgedFailure },
      // Not even a signed message.
      { body: Buffer.from('hello') },
      // The run's own live end carrying only its last batch, replayed: signed, but no record.
      { body: encode(liveEnd(run.runId), run.signingKey) },
    ]);
    expect(held).to.equal(5);
    for (const id of [0, 1]) {
      // Each late party reads past the forgeries and leaves the record readable for the next.
      const late = await startAction('slave', { ...run.params, id }).result;
      expect(late, JSON.stringify(late)).to.include({ id });
      expect(late.list).to.deep.equal(first.list);
    }
    await clearEndRecord(AMQP_URL, run.runId);
  });

  it('a record sealed under another key still means the run id is in use', async () => {
    const run = newRun(1);
    const [leader] = await Promise.all([
      startAction('leader', run.params).result,
      startAction('slave', { ...run.params, id: 0 }).result,
    ]);
    expect(leader).to.deep.equal({});
    // A stray in front: the record behind it, another run's for this party, decides.
    await forgeInFront(run.names.endRecord, [{ body: Buffer.from('hello') }]);
    const intruder = { ...run.params, signingKey: createRunCredentials().signingKey };
    const late = await startAction('slave', { ...intruder, id: 0 }).result;
    expect(late, JSON.stringify(late)).to.include({ code: 'RUN_ID_IN_USE' });
    await clearEndRecord(AMQP_URL, run.runId);
  });
});
